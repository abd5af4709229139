#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Who is acting: the Unix user of the process's real uid (from the password database, never
/// from environment variables anyone can set), or — only for root or a desk admin — the user
/// named by `--as`, with the real user recorded beside it.
public struct ActingUser: Sendable, Hashable, CustomStringConvertible {
    /// The user events are recorded for.
    public let user: String
    /// Set when `--as` was used: who really ran the command.
    public let realUser: String?

    public init(user: String, realUser: String? = nil) {
        self.user = user
        self.realUser = realUser
    }

    public enum Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        case unknownUid(uid_t)
        case notAllowed(realUser: String, requested: String)

        public var description: String {
            switch self {
            case let .unknownUid(uid): "Your user id \(uid) has no entry in the password database; OpsDesk cannot tell who you are."
            case let .notAllowed(real, requested): "\(real) may not act as \(requested): `--as` is for root and desk admins."
            }
        }
    }

    /// The name of the real uid's user.
    public static func realUserName(uid: uid_t = getuid()) throws(Refusal) -> String {
        var pwd = passwd()
        var result: UnsafeMutablePointer<passwd>? = nil
        var buffer = [CChar](repeating: 0, count: 4096)
        let rc = getpwuid_r(uid, &pwd, &buffer, buffer.count, &result)
        guard rc == 0, let entry = result, let name = entry.pointee.pw_name else { throw .unknownUid(uid) }
        return String(cString: name)
    }

    /// Resolves the acting user. `requested` is the `--as` argument; `isDeskAdmin` answers
    /// from the domain's roles whether a user is a desk admin.
    public static func resolve(as requested: String? = nil, uid: uid_t = getuid(),
                               isDeskAdmin: (String) -> Bool) throws(Refusal) -> ActingUser {
        let real = try realUserName(uid: uid)
        guard let requested, !requested.isEmpty, requested != real else { return ActingUser(user: real) }
        guard uid == 0 || isDeskAdmin(real) else { throw .notAllowed(realUser: real, requested: requested) }
        return ActingUser(user: requested, realUser: real)
    }

    public var description: String { realUser.map { "\(user) (as run by \($0))" } ?? user }
}
