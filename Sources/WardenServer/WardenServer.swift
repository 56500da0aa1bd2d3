import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Warden
import WardenEngine
import WardenScopes
import WardenModel
import WardenStore
import WardenWire

/// `warden serve`: OpenFGA's REST API, AuthZEN and the token layer over HTTP (Hummingbird 2), on one data
/// directory. Each route hands the method, path, query and body to the transport-free APIs of `WardenWire`
/// (``OpenFGAAPI``, ``AuthZENAPI``, ``TokenAPI``); this file is only the transport.
public enum WardenServer {
    /// Largest request body accepted (OpenFGA's requests are small; a write holds at most 100 tuples).
    public static let maximumBodyBytes = 4 << 20

    /// The APIs one server answers, and what it measures.
    struct Services: Sendable {
        let openFGA: OpenFGAAPI
        let authZEN: AuthZENAPI
        let tokens: TokenAPI
        let metrics: ServerMetrics
        let authenticator: any Authenticating
        let scheme: String
        let fallbackAuthority: String
        let warden: Warden
        let watchSlowConsumer: Duration
    }

    /// The Hummingbird application serving `warden` as `configuration` says.
    /// - Throws: when the TLS files cannot be read, or OIDC needs this directory's keys and they cannot be read.
    public static func application(warden: Warden, configuration: ServerConfiguration) throws -> some ApplicationProtocol {
        var logger = Logger(label: "warden")
        logger.logLevel = configuration.logLevel
        let metrics = ServerMetrics(cache: warden.engine.cache)
        var openFGA = OpenFGAAPI(warden: warden, requestTimeout: configuration.requestTimeout)
        openFGA.observer = { result in metrics.recordCheck(depth: result.depth) }
        let services = Services(
            openFGA: openFGA, authZEN: AuthZENAPI(api: openFGA), tokens: TokenAPI(api: openFGA, bindings: configuration.bindings),
            metrics: metrics, authenticator: try authenticator(configuration.authentication, warden: warden),
            scheme: configuration.scheme, fallbackAuthority: "\(configuration.host):\(configuration.port)", warden: warden,
            watchSlowConsumer: configuration.watchSlowConsumer)

        let router = Router()
        // One line per request (id, method, path) at debug: at info it costs a third of the check throughput.
        if configuration.logLevel <= .debug { router.add(middleware: LogRequestsMiddleware(.debug)) }
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.text())))
        }
        router.get("/healthz") { _, _ -> Response in json(200, .object([("status", .string("SERVING"))])) }
        // The data directory is open before the server listens: ready as soon as it answers.
        router.get("/readyz") { _, _ -> Response in json(200, .object([("status", .string("READY"))])) }
        addDiscovery(to: router, services)
        router.post("/oauth/token") { request, _ -> Response in
            guard let parameters = await formParameters(request) else {
                return json(400, TokenAPI.oauthError(400, "invalid_request", "the body is a form or a JSON object of strings").body)
            }
            let answer = await services.tokens.token(parameters)
            return json(answer.status, answer.body)
        }
        for method in [HTTPRequest.Method.get, .post, .delete, .put] {
            router.on("/stores", method: method) { request, context in await handle(services, request, context) }
            router.on("/stores/**", method: method) { request, context in await handle(services, request, context) }
        }
        var server = HTTPServerBuilder.http1()
        if let tls = configuration.tls {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificateChain).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: tls.privateKey, format: .pem)
            server = try HTTPServerBuilder.tls(
                HTTPServerBuilder.http1(), tlsConfiguration: TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: NIOSSLPrivateKeySource.privateKey(key)))
        }
        var application = Application(
            router: router, server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "warden"), logger: logger)
        application.addServices(ExpirySweeper(warden: warden, interval: configuration.expirySweepInterval, logger: logger))
        return application
    }

    /// Serves until SIGTERM or SIGINT; in-flight requests finish first (Hummingbird's service lifecycle).
    public static func run(warden: Warden, configuration: ServerConfiguration) async throws {
        try await application(warden: warden, configuration: configuration).runService()
    }

    static func authenticator(_ authentication: ServerConfiguration.Authentication, warden: Warden) throws -> any Authenticating {
        switch authentication {
        case .none: return NoAuthentication()
        case .preshared(let keys): return PresharedKeys(keys: keys)
        case .oidc(let issuer, let audience, let url?):
            return OIDCAuthenticator(issuer: issuer, audience: audience, source: .url(url))
        case .oidc(let issuer, let audience, nil):
            return OIDCAuthenticator(issuer: issuer, audience: audience, source: .document(try warden.keyRing().jwks()))
        }
    }

    /// The public discovery documents: signing keys, OpenID configuration, and each store's AuthZEN metadata.
    static func addDiscovery(to router: Router<BasicRequestContext>, _ services: Services) {
        router.get("/.well-known/jwks.json") { _, _ -> Response in
            let answer = services.tokens.jwks()
            return json(answer.status, answer.body)
        }
        router.get("/.well-known/openid-configuration") { request, _ -> Response in
            let answer = services.tokens.openIDConfiguration(baseURL: baseURL(request, services))
            return json(answer.status, answer.body)
        }
        router.get("/.well-known/authzen-configuration/:store") { request, context -> Response in
            let answer = services.authZEN.configuration(storeID: context.parameters.get("store") ?? "", baseURL: baseURL(request, services))
            return json(answer.status, answer.body)
        }
    }

    /// `scheme://host:port` as the caller reached this server.
    static func baseURL(_ request: Request, _ services: Services) -> String {
        "\(services.scheme)://\(request.head.authority ?? services.fallbackAuthority)"
    }

    static func handle(_ services: Services, _ request: Request, _ context: some RequestContext) async -> Response {
        let start = ContinuousClock.now
        // Foundation's percent decoding only for a segment that has an escape (store ids and API names have none).
        let path = request.uri.path.split(separator: "/").map { segment in
            segment.utf8.contains(UInt8(ascii: "%")) ? (String(segment).removingPercentEncoding ?? String(segment)) : String(segment)
        }
        let method = request.method.rawValue
        let kind = path.count > 2 ? path[2] : ""
        // `authorize` is authenticated by the token it carries (the caller's own access token), not by an API key.
        if !(kind == "authorize" && path.count == 3), let refusal = await services.authenticator.refusal(request, logger: context.logger) {
            return refusal
        }
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
        let answer: OpenFGAAPI.Answer
        switch kind {
        case "authorize" where path.count == 3 && method == "POST":
            let header = request.headers[.authorization]
            let token = header.flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
            answer = await services.tokens.authorize(storeID: path[1], bearer: token, body: body)
        case "access":
            answer = services.authZEN.handle(method: method, path: path, body: body)
        case "streamed-list-objects" where path.count == 3 && method == "POST":
            return streamObjects(services, path[1], body, start: start)
        case "watch" where path.count == 3 && method == "GET":
            return watch(services, path[1], request)
        default:
            answer = await openFGA(services.openFGA, method, path, request, body)
        }
        let elapsed = ContinuousClock.now - start
        let apiMethod = ServerMetrics.method(method, path)
        services.metrics.record(method: apiMethod, status: answer.status, duration: elapsed)
        // One structured line per API request at debug (the request id comes from the context's logger).
        if context.logger.logLevel <= .debug {
            context.logger.debug(
                "request", metadata: [
                    "store": .string(path.count > 1 ? path[1] : ""), "method": .string(apiMethod), "status": .stringConvertible(answer.status),
                    "latency_us": .stringConvertible((elapsed / .microseconds(1)).rounded()),
                ])
        }
        return json(answer.status, answer.body)
    }

    static func openFGA(_ api: OpenFGAAPI, _ method: String, _ path: [String], _ request: Request, _ body: JSONValue?) async -> OpenFGAAPI.Answer {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        let parameters = query
        // A write waits for LMDB's commit (a disk sync): it runs on NIO's blocking pool, never on the threads that
        // serve requests. Reads take microseconds and run in place.
        guard OpenFGAAPI.isWrite(method: method, path: path) else {
            return api.handle(method: method, path: path, query: parameters, body: body)
        }
        do {
            return try await NIOThreadPool.singleton.runIfActive { api.handle(method: method, path: path, query: parameters, body: body) }
        } catch {
            return OpenFGAAPI.Answer(status: 503, body: WireError(status: 503, code: "unavailable", message: "the server is shutting down").json)
        }
    }

    /// OpenFGA's streamed ListObjects: one JSON object per line, each `{"result":{"object":…}}`, written page by page.
    static func streamObjects(_ services: Services, _ store: String, _ body: JSONValue?, start: ContinuousClock.Instant) -> Response {
        var stream: OpenFGAAPI.ObjectStream
        var first: [String]?
        do {
            stream = try services.openFGA.streamedListObjects(storeID: store, body: body)
            first = try stream.next()
        } catch {
            let wire = WireError.from(error)
            services.metrics.record(method: "streamed-list-objects", status: wire.status, duration: ContinuousClock.now - start)
            return json(wire.status, wire.json)
        }
        let pending = stream
        let firstPage = first ?? []
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody { writer in
                var stream = pending
                var page: [String]? = firstPage
                while let objects = page {
                    var buffer = ByteBuffer()
                    for object in objects { buffer.writeString(OpenFGAAPI.ObjectStream.line(object) + "\n") }
                    try await writer.write(buffer)
                    do {
                        page = try stream.next()
                    } catch {
                        let wire = WireError.from(error)
                        let line = JSONValue.object([("error", .object([("code", .string(wire.code)), ("message", .string(wire.message))]))]).compact
                        try await writer.write(ByteBuffer(string: line + "\n"))
                        page = nil
                    }
                }
                services.metrics.record(method: "streamed-list-objects", status: 200, duration: ContinuousClock.now - start)
                try await writer.finish(nil)
            })
    }

    /// `GET /stores/{id}/watch?after=TOKEN&type=T`: changes as they commit, as Server-Sent Events (see
    /// ``ChangeWatch``): after `after` (an empty `after=` is from the first change), else after the
    /// `Last-Event-ID` a reconnecting client sends, else from now. The data version is looked at every
    /// ``ChangeWatch/pollInterval`` and the changelog read only when it moved; a comment every 15 s keeps idle
    /// connections open.
    static func watch(_ services: Services, _ store: String, _ request: Request) -> Response {
        let query = request.uri.queryParameters
        let lastEventID = request.headers.first { $0.name.canonicalName == "last-event-id" }?.value
        let start: ChangeWatch.Start
        if let after = query["after"].map(String.init) {
            start = after.isEmpty ? .beginning : .after(ContinuationToken(text: after))
        } else if let lastEventID, !lastEventID.isEmpty {
            start = .after(ContinuationToken(text: lastEventID))
        } else {
            start = .now
        }
        let type = query["type"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let started: ChangeWatch
        do {
            started = try ChangeWatch(warden: services.warden, store: store, objectType: type, from: start)
        } catch {
            let wire = WireError.from(error)
            return json(wire.status, wire.json)
        }
        let slow = services.watchSlowConsumer
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                var watch = started
                var quiet = ContinuousClock.now
                // A stopping server ends its watches (the clients reconnect elsewhere with their last event id).
                while !Task.isCancelled, !Task.isShuttingDownGracefully {
                    let changes: [TupleChange]
                    do {
                        changes = try watch.next()
                    } catch {
                        let wire = WireError.from(error)
                        let body = JSONValue.object([("code", .string(wire.code)), ("message", .string(wire.message))])
                        try await writer.write(ByteBuffer(string: "event: error\ndata: \(body.compact)\n\n"))
                        break
                    }
                    guard !changes.isEmpty else {
                        if ContinuousClock.now - quiet > .seconds(15) {
                            try await writer.write(ByteBuffer(string: ChangeWatch.heartbeat))
                            quiet = ContinuousClock.now
                        }
                        try await Task.sleep(for: ChangeWatch.pollInterval)
                        continue
                    }
                    let sending = ContinuousClock.now
                    try await writer.write(ByteBuffer(string: changes.map(ChangeWatch.event).joined()))
                    quiet = ContinuousClock.now
                    // The page waited for the consumer's socket this long: it is not reading. One page is all a
                    // watcher ever holds; drop it, saying where to resume.
                    if quiet - sending > slow {
                        try await writer.write(ByteBuffer(string: watch.dropped(reason: "slow consumer: a page waited \(slow) to be taken")))
                        break
                    }
                }
                try await writer.finish(nil)
            })
    }

    /// `/oauth/token`'s parameters, from a form (`application/x-www-form-urlencoded`) or a JSON object of strings.
    static func formParameters(_ request: Request) async -> [String: String]? {
        guard let buffer = try? await request.body.collect(upTo: 64 << 10) else { return nil }
        let text = String(buffer: buffer)
        if request.headers[.contentType]?.hasPrefix("application/json") == true {
            guard case .object(let pairs)? = try? JSONValue.parse(text) else { return nil }
            var parameters: [String: String] = [:]
            for (name, value) in pairs {
                guard case .string(let string) = value else { return nil }
                parameters[name] = string
            }
            return parameters
        }
        var parameters: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decode(parts[0]), let value = parts.count > 1 ? decode(parts[1]) : "" else { return nil }
            parameters[name] = value
        }
        return parameters
    }

    static func json(_ status: Int, _ body: JSONValue?) -> Response {
        guard let body else { return Response(status: .init(code: status)) }
        return Response(
            status: .init(code: status), headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body.compact)))
    }
}
