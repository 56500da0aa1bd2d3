import Foundation
import Hummingbird
import Logging
import NIOPosix
import Warden
import WardenModel
import WardenWire

/// `warden serve`: OpenFGA's REST API over HTTP (Hummingbird 2), on one data directory. Every route hands the
/// method, path, query and JSON body to ``OpenFGAAPI``; this file is only the transport.
public enum WardenServer {
    /// Largest request body accepted (OpenFGA's requests are small; a write holds at most 100 tuples).
    public static let maximumBodyBytes = 4 << 20

    /// The Hummingbird application serving `warden` on `host:port`.
    public static func application(
        warden: Warden, host: String, port: Int, logLevel: Logger.Level = .info, apiKeys: [String] = []
    ) -> some ApplicationProtocol {
        let api = OpenFGAAPI(warden: warden)
        let router = Router()
        let authenticator = PresharedKeys(keys: apiKeys)
        let metrics = ServerMetrics()
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.text())))
        }
        // One line per request (id, method, path) at debug: at info it costs a third of the check throughput.
        router.add(middleware: LogRequestsMiddleware(.debug))
        router.get("/healthz") { _, _ -> Response in
            json(200, .object([("status", .string("SERVING"))]))
        }
        // The data directory is open before the server listens: ready as soon as it answers.
        router.get("/readyz") { _, _ -> Response in
            json(200, .object([("status", .string("READY"))]))
        }
        for method in [HTTPRequest.Method.get, .post, .delete, .put] {
            router.on("/stores", method: method) { request, context in
                if let refusal = authenticator.refusal(request) { return refusal }
                return await handle(api, request, context, metrics)
            }
            router.on("/stores/**", method: method) { request, context in
                if let refusal = authenticator.refusal(request) { return refusal }
                return await handle(api, request, context, metrics)
            }
        }
        var logger = Logger(label: "warden")
        logger.logLevel = logLevel
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "warden"), logger: logger)
    }

    /// Serves until SIGTERM or SIGINT; in-flight requests finish first (Hummingbird's service lifecycle).
    public static func run(warden: Warden, host: String, port: Int, logLevel: String = "info", apiKeys: [String] = []) async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        try await application(warden: warden, host: host, port: port, logLevel: level, apiKeys: apiKeys).runService()
    }

    static func handle(_ api: OpenFGAAPI, _ request: Request, _ context: some RequestContext, _ metrics: ServerMetrics) async -> Response {
        let start = ContinuousClock.now
        let body: JSONValue?
        do {
            let buffer = try await request.body.collect(upTo: maximumBodyBytes)
            let text = String(buffer: buffer)
            body = text.isEmpty ? nil : try JSONValue.parse(text, anyValue: true)
        } catch let diagnostic as Diagnostic {
            return json(400, WireError.validation("the body is not valid JSON: \(diagnostic.message)").json)
        } catch {
            return json(413, WireError(status: 413, code: "request_too_large", message: "the request body exceeds \(maximumBodyBytes) bytes").json)
        }
        let path = request.uri.path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        var parameters: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { parameters[String(key)] = String(value) }
        let query = parameters
        let method = request.method.rawValue
        // A write waits for LMDB's commit (a disk sync): it runs on NIO's blocking pool, never on the threads that
        // serve requests. Reads take microseconds and run in place.
        let answer: OpenFGAAPI.Answer
        if OpenFGAAPI.isWrite(method: method, path: path) {
            do {
                answer = try await NIOThreadPool.singleton.runIfActive { api.handle(method: method, path: path, query: query, body: body) }
            } catch {
                return json(503, WireError(status: 503, code: "unavailable", message: "the server is shutting down").json)
            }
        } else {
            answer = api.handle(method: method, path: path, query: query, body: body)
        }
        metrics.record(method: ServerMetrics.method(method, path), status: answer.status, duration: ContinuousClock.now - start)
        return json(answer.status, answer.body)
    }

    static func json(_ status: Int, _ body: JSONValue?) -> Response {
        guard let body else { return Response(status: .init(code: status)) }
        return Response(
            status: .init(code: status), headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body.compact)))
    }
}
