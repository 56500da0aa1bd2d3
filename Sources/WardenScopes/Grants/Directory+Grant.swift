import WardenModel

/// The token-scope calculation: Auth0's rules, row by row of the seed's table, with a reason for every scope.
extension Directory {
    /// OpenID Connect scopes: passed through in user flows, never in machine tokens.
    public static let openIDConnectScopes: Set<ByteString> = Set(
        ["openid", "profile", "email", "address", "phone", "offline_access"].map(ByteString.init))

    /// Computes the token `request` earns.
    ///
    /// | RBAC | user policy | token scopes |
    /// |---|---|---|
    /// | on | Allow | requested ∩ user's permissions |
    /// | off | Allow | requested ∩ the API's permissions (no user check, as Auth0) |
    /// | off | Allow via client grant | requested ∩ client grant |
    /// | on | Allow via client grant | requested ∩ user's permissions ∩ client grant |
    /// | any | Deny, or no client grant when one is required | refused |
    ///
    /// Client credentials: requested ∩ client grant (the whole grant when nothing is requested); a scope outside
    /// the grant, no grant, or client policy Deny is refused. Auth0 issues the whole grant even for a narrower
    /// request; Warden filters by the request (least privilege).
    /// - Throws: ``GrantRefusal`` (`access_denied`).
    public func grant(_ request: GrantRequest) throws(GrantRefusal) -> Grant {
        guard let api = resourceServer(request.audience) else {
            throw GrantRefusal(.unknownAudience, "Service not found: \(request.audience)")
        }
        guard let application = application(request.clientID) else {
            throw GrantRefusal(.unknownApplication, "Unknown client: \(request.clientID)")
        }
        // Public clients (single-page and native apps) cannot keep a secret, so they have no machine flow.
        if request.user == nil, application.kind == .spa || application.kind == .native {
            throw GrantRefusal(
                .grantTypeNotAllowed, "Grant type 'client_credentials' not allowed for the client (\(application.kind.rawValue) app).")
        }
        let clientGrant = self.clientGrant(client: request.clientID, audience: api.identifier)
        if let userID = request.user {
            return try userGrant(userID, request, api, clientGrant)
        }
        return try clientCredentialsGrant(request, api, clientGrant)
    }

    private func notAuthorized(_ request: GrantRequest) -> GrantRefusal {
        GrantRefusal(
            .noClientGrant,
            "Client is not authorized to access \"\(request.audience)\". You need to create a \"client-grant\" "
                + "associated to this API.")
    }

    private func userGrant(
        _ userID: String, _ request: GrantRequest, _ api: ResourceServer, _ clientGrant: ClientGrant?
    ) throws(GrantRefusal) -> Grant {
        switch api.userPolicy {
        case .denyAll:
            throw GrantRefusal(.policyDenies, "The API \"\(api.identifier)\" denies access to applications on behalf of users.")
        case .requireClientGrant where clientGrant == nil:
            throw notAuthorized(request)
        default:
            break
        }
        // A user the directory does not list has no roles and no permissions (every Auth0 user can log in).
        let holding = held(by: userID, on: api.identifier)
        let userPermissions = holding.sources
        let ceiling = api.userPolicy == .requireClientGrant ? (clientGrant?.scopeSet ?? []) : nil
        let requested = request.requestedScopes ?? []
        var decisions: [ScopeDecision] = []
        decisions.reserveCapacity(requested.count)
        var scopes: [String] = []
        // Scopes compare by bytes throughout, as Auth0 compares them.
        var seen = Set<ByteString>(minimumCapacity: requested.count)
        for scope in requested where seen.insert(ByteString(scope)).inserted {
            let bytes = ByteString(scope)
            let reason: ScopeDecision.Reason
            if Self.openIDConnectScopes.contains(bytes) {
                reason = .openIDConnect
            } else if !api.defines(scope) {
                reason = .notDefinedOnAPI
            } else if api.rbacEnabled, userPermissions[bytes] == nil {
                reason = .userLacksPermission
            } else if let ceiling, !ceiling.contains(bytes) {
                reason = .outsideClientGrant
            } else {
                var sources = api.rbacEnabled ? userPermissions[bytes] ?? [] : ["RBAC off: the API defines it"]
                if ceiling != nil { sources.append("client grant") }
                reason = .granted(sources: sources)
            }
            let decision = ScopeDecision(scope: scope, reason: reason)
            if decision.isGranted { scopes.append(scope) }
            decisions.append(decision)
        }
        // Auth0: the permissions claim holds all of the user's permissions on the API, whatever was requested;
        // capped by the grant under Allow via client grant.
        var grant = Grant(
            scopes: scopes, permissions: api.addPermissionsToToken && api.rbacEnabled ? holding.sorted : nil,
            decisions: decisions,
            held: api.rbacEnabled ? holding.sorted : (ceiling.map { _ in clientGrant?.scopes.sorted { $0.bytesPrecede($1) } ?? [] } ?? []),
            subject: userID, isClientCredentials: false)
        grant.permissionsCeiling = ceiling
        return grant
    }

    private func clientCredentialsGrant(
        _ request: GrantRequest, _ api: ResourceServer, _ clientGrant: ClientGrant?
    ) throws(GrantRefusal) -> Grant {
        if api.clientPolicy == .denyAll {
            throw GrantRefusal(.policyDenies, "The API \"\(api.identifier)\" denies machine-to-machine access.")
        }
        guard let clientGrant else { throw notAuthorized(request) }
        let granted = clientGrant.scopeSet
        var decisions: [ScopeDecision] = []
        var scopes: [String] = []
        let requested = request.requestedScopes ?? clientGrant.scopes
        var seen = Set<ByteString>()
        var refused: [String] = []
        for scope in requested where seen.insert(ByteString(scope)).inserted {
            if Self.openIDConnectScopes.contains(ByteString(scope)) {
                decisions.append(ScopeDecision(scope: scope, reason: .notForMachines))
            } else if granted.contains(ByteString(scope)) {
                scopes.append(scope)
                decisions.append(ScopeDecision(scope: scope, reason: .granted(sources: ["client grant"])))
            } else {
                refused.append(scope)
                decisions.append(ScopeDecision(scope: scope, reason: .outsideClientGrant))
            }
        }
        if !refused.isEmpty {
            throw GrantRefusal(.scopesNotGranted(refused), "Client has not been granted scopes: \(refused.joined(separator: ", "))")
        }
        return Grant(
            scopes: scopes, permissions: api.addPermissionsToToken ? scopes : nil, decisions: decisions,
            held: clientGrant.scopes.sorted { $0.bytesPrecede($1) }, subject: "\(request.clientID)@clients", isClientCredentials: true)
    }
}
