/*
 * A small SPARQL 1.1 server over Apache Jena 4.5's ARQ (Debian's
 * libapache-jena-java), for councilkg's engine tests: Fuseki is not packaged
 * by Debian, and the tests need Jena's query semantics behind the standard
 * protocols.  Only the JDK's com.sun.net.httpserver and Jena's jars are used.
 *
 *   java -cp "$(python3 -m bench.jena --classpath)" engines/jena/JenaServer.java \
 *       --port N [--union-default-graph]
 *
 * (a single-file source program: nothing compiled is committed).  --port 0
 * picks a free port.  Binds 127.0.0.1 only and prints one line once it serves:
 *   JenaServer ready on http://127.0.0.1:PORT (Jena VERSION, union default graph: BOOL)
 *
 * Endpoints:
 *   /sparql  SPARQL 1.1 Protocol queries: GET ?query=, POST form query=, POST
 *            application/sparql-query; default-graph-uri / named-graph-uri are the
 *            protocol's dataset description (several default-graph-uri = their RDF
 *            merge), else the query's FROM / FROM NAMED.  SELECT/ASK as
 *            application/sparql-results+json (XML, CSV, TSV when Accept asks);
 *            CONSTRUCT/DESCRIBE as N-Triples (Turtle when Accept asks).
 *   /update  SPARQL 1.1 Update: POST form update=, POST application/sparql-update.
 *   /data    Graph Store Protocol, ?default or ?graph=IRI: GET (404 for a graph
 *            with no triples), PUT (replace), POST (add), DELETE; bodies in any
 *            syntax Jena reads by content type (N-Triples, Turtle, N-Quads' triples,
 *            RDF/XML, JSON-LD).
 *
 * The dataset is TDB2 in memory: it is transactional, and it is the store that
 * offers --union-default-graph (TDB2.symUnionDefaultGraph: unqualified patterns
 * see the union of the named graphs, as GraphDB and Virtuoso answer them).
 * Errors: 400 with Jena's parse message for a bad query, update or body; 404 for
 * a missing graph; 415 for an unknown body type; 500 with the message otherwise.
 * Queries time out after 120 s.
 */

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.jena.atlas.web.ContentType;
import org.apache.jena.graph.Graph;
import org.apache.jena.graph.Node;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.graph.Triple;
import org.apache.jena.query.DatasetFactory;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionDatasetBuilder;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.QueryParseException;
import org.apache.jena.query.ResultSet;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.riot.RDFLanguages;
import org.apache.jena.riot.RDFParser;
import org.apache.jena.riot.RiotException;
import org.apache.jena.sparql.core.DatasetDescription;
import org.apache.jena.sparql.core.DatasetGraph;
import org.apache.jena.sparql.core.DynamicDatasets;
import org.apache.jena.sparql.core.Quad;
import org.apache.jena.sparql.graph.GraphFactory;
import org.apache.jena.sys.JenaSystem;
import org.apache.jena.system.Txn;
import org.apache.jena.tdb2.DatabaseMgr;
import org.apache.jena.tdb2.TDB2;
import org.apache.jena.update.UpdateAction;
import org.apache.jena.update.UpdateFactory;
import org.apache.jena.update.UpdateRequest;

public final class JenaServer {
  private static final long QUERY_TIMEOUT_SECONDS = 120;

  private final DatasetGraph dataset;
  private final boolean unionDefaultGraph;

  private JenaServer(boolean unionDefaultGraph) {
    this.unionDefaultGraph = unionDefaultGraph;
    this.dataset = DatabaseMgr.createDatasetGraph();
    if (unionDefaultGraph) {
      dataset.getContext().set(TDB2.symUnionDefaultGraph, true);
    }
  }

  /** An answer to send: status, content type, body. */
  private record Reply(int status, String contentType, byte[] body) {
    static Reply text(int status, String message) {
      return new Reply(status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    static Reply empty(int status) {
      return new Reply(status, null, new byte[0]);
    }
  }

  /** A client error: answered with its status and message. */
  private static final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    HttpError(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  public static void main(String[] args) throws IOException {
    int port = -1;
    boolean union = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--union-default-graph" -> union = true;
        default -> {
          System.err.println("usage: JenaServer --port N [--union-default-graph]");
          System.exit(2);
        }
      }
    }
    if (port < 0) {
      System.err.println("usage: JenaServer --port N [--union-default-graph]");
      System.exit(2);
    }
    JenaSystem.init();
    JenaServer server = new JenaServer(union);
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
    http.createContext("/sparql", server.handler(server::query));
    http.createContext("/update", server.handler(server::update));
    http.createContext("/data", server.handler(server::graphStore));
    http.setExecutor(Executors.newFixedThreadPool(8));
    http.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> http.stop(0)));
    System.out.printf(
        "JenaServer ready on http://127.0.0.1:%d (Jena %s, union default graph: %s)%n",
        http.getAddress().getPort(), jenaVersion(), union);
    System.out.flush();
  }

  private static String jenaVersion() {
    Package pkg = org.apache.jena.query.ARQ.class.getPackage();
    String v = pkg == null ? null : pkg.getImplementationVersion();
    return v == null ? org.apache.jena.Jena.VERSION : v;
  }

  private interface Endpoint {
    Reply handle(HttpExchange exchange, Map<String, List<String>> params, byte[] body) throws IOException;
  }

  /** Wraps an endpoint: reads the request, maps exceptions to statuses, always answers. */
  private HttpHandler handler(Endpoint endpoint) {
    return exchange -> {
      Reply reply;
      try (InputStream in = exchange.getRequestBody()) {
        byte[] body = in.readAllBytes();
        Map<String, List<String>> params = new LinkedHashMap<>();
        parseForm(exchange.getRequestURI().getRawQuery(), params);
        String ctype = mediaType(exchange.getRequestHeaders().getFirst("Content-Type"));
        if ("application/x-www-form-urlencoded".equals(ctype)) {
          parseForm(new String(body, StandardCharsets.UTF_8), params);
        }
        reply = endpoint.handle(exchange, params, body);
      } catch (HttpError e) {
        reply = Reply.text(e.status, e.getMessage());
      } catch (QueryParseException e) {
        reply = Reply.text(400, "Parse error: " + e.getMessage());
      } catch (RiotException e) {
        reply = Reply.text(400, "Parse error: " + e.getMessage());
      } catch (RuntimeException e) {
        reply = Reply.text(500, e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      try {
        if (reply.contentType != null) {
          exchange.getResponseHeaders().set("Content-Type", reply.contentType);
        }
        boolean noBody = reply.body.length == 0 || "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(reply.status, noBody ? -1 : reply.body.length);
        if (!noBody) {
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(reply.body);
          }
        }
      } finally {
        exchange.close();
      }
    };
  }

  // ---- SPARQL Protocol: queries ----

  private Reply query(HttpExchange exchange, Map<String, List<String>> params, byte[] body) {
    String method = exchange.getRequestMethod();
    String ctype = mediaType(exchange.getRequestHeaders().getFirst("Content-Type"));
    String text;
    if ("POST".equals(method) && "application/sparql-query".equals(ctype)) {
      text = new String(body, StandardCharsets.UTF_8);
    } else if ("GET".equals(method) || "HEAD".equals(method) || "POST".equals(method)) {
      text = single(params, "query");
    } else {
      throw new HttpError(405, "Method not allowed: " + method);
    }
    if (text == null) {
      throw new HttpError(400, "No query: give query= (GET or POST form) or POST application/sparql-query");
    }
    Query query = QueryFactory.create(text);
    List<String> defaults = params.getOrDefault("default-graph-uri", List.of());
    List<String> named = params.getOrDefault("named-graph-uri", List.of());
    DatasetDescription description =
        defaults.isEmpty() && named.isEmpty()
            ? DatasetDescription.create(query)
            : DatasetDescription.create(defaults, named);
    String accept = exchange.getRequestHeaders().getFirst("Accept");
    return Txn.calculateRead(dataset, () -> {
      DatasetGraph target =
          description == null || description.isEmpty()
              ? dataset
              : DynamicDatasets.dynamicDataset(description, dataset, unionDefaultGraph);
      QueryExecutionDatasetBuilder builder = QueryExecutionDatasetBuilder.create()
          .query(query).dataset(DatasetFactory.wrap(target)).timeout(QUERY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (unionDefaultGraph) {
        builder.set(TDB2.symUnionDefaultGraph, true);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (QueryExecution exec = builder.build()) {
        if (query.isSelectType() || query.isAskType()) {
          String format = pick(accept, List.of(
              "application/sparql-results+json", "application/sparql-results+xml",
              "application/json", "application/xml", "text/csv", "text/tab-separated-values"));
          if (format == null) {
            format = "application/sparql-results+json";
          }
          if (query.isAskType()) {
            boolean answer = exec.execAsk();
            switch (format) {
              case "application/sparql-results+xml", "application/xml" -> ResultSetFormatter.outputAsXML(out, answer);
              case "text/csv" -> ResultSetFormatter.outputAsCSV(out, answer);
              case "text/tab-separated-values" -> ResultSetFormatter.outputAsTSV(out, answer);
              default -> ResultSetFormatter.outputAsJSON(out, answer);
            }
          } else {
            ResultSet results = exec.execSelect();
            switch (format) {
              case "application/sparql-results+xml", "application/xml" -> ResultSetFormatter.outputAsXML(out, results);
              case "text/csv" -> ResultSetFormatter.outputAsCSV(out, results);
              case "text/tab-separated-values" -> ResultSetFormatter.outputAsTSV(out, results);
              default -> ResultSetFormatter.outputAsJSON(out, results);
            }
          }
          return new Reply(200, format + "; charset=utf-8", out.toByteArray());
        }
        Model model = query.isConstructType() ? exec.execConstruct() : exec.execDescribe();
        Lang lang = graphLang(accept);
        RDFDataMgr.write(out, model, lang);
        return new Reply(200, lang.getContentType().getContentTypeStr() + "; charset=utf-8", out.toByteArray());
      }
    });
  }

  // ---- SPARQL Update ----

  private Reply update(HttpExchange exchange, Map<String, List<String>> params, byte[] body) {
    if (!"POST".equals(exchange.getRequestMethod())) {
      throw new HttpError(405, "SPARQL Update needs POST");
    }
    String ctype = mediaType(exchange.getRequestHeaders().getFirst("Content-Type"));
    String text = "application/sparql-update".equals(ctype)
        ? new String(body, StandardCharsets.UTF_8)
        : single(params, "update");
    if (text == null) {
      throw new HttpError(400, "No update: POST form update= or application/sparql-update");
    }
    UpdateRequest request = UpdateFactory.create(text);
    Txn.executeWrite(dataset, () -> UpdateAction.execute(request, dataset));
    return Reply.empty(204);
  }

  // ---- Graph Store Protocol ----

  private Reply graphStore(HttpExchange exchange, Map<String, List<String>> params, byte[] body) {
    boolean isDefault = params.containsKey("default");
    String iri = single(params, "graph");
    if (isDefault == (iri != null)) {
      throw new HttpError(400, "Give exactly one of ?default and ?graph=IRI");
    }
    Node graphName = isDefault ? Quad.defaultGraphIRI : NodeFactory.createURI(iri);
    String method = exchange.getRequestMethod();
    switch (method) {
      case "GET", "HEAD" -> {
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        Lang lang = graphLang(accept);
        return Txn.calculateRead(dataset, () -> {
          if (!isDefault && !dataset.containsGraph(graphName)) {
            throw new HttpError(404, "No such graph: " + iri);
          }
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          RDFDataMgr.write(out, dataset.getGraph(graphName), lang);
          return new Reply(200, lang.getContentType().getContentTypeStr() + "; charset=utf-8", out.toByteArray());
        });
      }
      case "PUT", "POST" -> {
        Graph parsed = parseBody(exchange, body, isDefault ? null : iri);
        boolean replace = "PUT".equals(method);
        boolean created = Txn.calculateWrite(dataset, () -> {
          boolean existed = isDefault || dataset.containsGraph(graphName);
          if (replace) {
            dataset.deleteAny(graphName, Node.ANY, Node.ANY, Node.ANY);
          }
          for (Triple t : parsed.find().toList()) {
            dataset.add(graphName, t.getSubject(), t.getPredicate(), t.getObject());
          }
          return !existed;
        });
        return Reply.empty(created ? 201 : 204);
      }
      case "DELETE" -> {
        boolean existed = Txn.calculateWrite(dataset, () -> {
          boolean had = isDefault || dataset.containsGraph(graphName);
          dataset.deleteAny(graphName, Node.ANY, Node.ANY, Node.ANY);
          return had;
        });
        if (!existed) {
          throw new HttpError(404, "No such graph: " + iri);
        }
        return Reply.empty(204);
      }
      default -> throw new HttpError(405, "Method not allowed: " + method);
    }
  }

  private static Graph parseBody(HttpExchange exchange, byte[] body, String base) {
    String ctype = mediaType(exchange.getRequestHeaders().getFirst("Content-Type"));
    if (ctype == null) {
      throw new HttpError(415, "No Content-Type: send application/n-triples or text/turtle");
    }
    Lang lang = RDFLanguages.contentTypeToLang(ContentType.create(ctype));
    if (lang == null || !RDFLanguages.isTriples(lang)) {
      throw new HttpError(415, "Unsupported Content-Type for a graph: " + ctype);
    }
    Graph graph = GraphFactory.createDefaultGraph();
    RDFParser.create()
        .source(new java.io.ByteArrayInputStream(body))
        .lang(lang)
        .base(base == null ? "http://127.0.0.1/default" : base)
        .parse(graph);
    return graph;
  }

  // ---- helpers ----

  private static Lang graphLang(String accept) {
    String picked = pick(accept, List.of("application/n-triples", "text/turtle", "application/x-turtle", "text/plain"));
    return picked != null && picked.contains("turtle") ? Lang.TURTLE : Lang.NTRIPLES;
  }

  /** The first of the offered types that Accept names, in Accept's order (q-values ignored). */
  private static String pick(String accept, List<String> offered) {
    if (accept == null) {
      return null;
    }
    for (String part : accept.split(",")) {
      String type = mediaType(part);
      if (type != null && offered.contains(type)) {
        return type;
      }
    }
    return null;
  }

  private static String mediaType(String header) {
    if (header == null) {
      return null;
    }
    String type = header.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return type.isEmpty() ? null : type;
  }

  private static String single(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw new HttpError(400, "More than one '" + name + "' parameter");
    }
    return values.get(0);
  }

  private static void parseForm(String raw, Map<String, List<String>> params) {
    if (raw == null || raw.isEmpty()) {
      return;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
  }
}
