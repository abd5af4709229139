import Foundation
import Testing
@testable import ITSM

@Suite struct BootstrapTests {
    @Test func anyoneMayCreateAgentsWhileTheDeskHasNoAdmin() throws {
        var desk = TestDesk()
        try desk.run(.createAgent(user: "alice", displayName: "Alice", roles: [.agent], groups: []), as: "alice")
        try desk.run(.createAgent(user: "root", displayName: "Root", roles: [.admin], groups: []), as: "whoever")
        #expect(desk.state.directory.hasAdmin)
        #expect(desk.state.directory.agents["alice"]?.roles == [.agent])
    }

    @Test func onceAnAdminExistsOnlyAdminsCreateAgents() throws {
        var desk = TestDesk()
        try desk.run(.createAgent(user: "root", displayName: "Root", roles: [.admin], groups: []), as: "root")
        let refusal = desk.refused(.createAgent(user: "eve", displayName: "Eve", roles: [.admin], groups: []), as: "eve")
        #expect(refusal == .needsRole(.admin, toDo: "creating agents"))
        #expect(refusal?.description == "Creating agents needs the admin role.")
        try desk.run(.createAgent(user: "eve", displayName: "Eve", roles: [.agent], groups: []), as: "root")
        #expect(desk.state.directory.agents["eve"] != nil)
    }

    @Test func theLastAdminCannotDropTheAdminRole() throws {
        var desk = TestDesk()
        try desk.run(.createAgent(user: "root", displayName: "Root", roles: [.admin], groups: []), as: "root")
        #expect(desk.refused(.updateAgent(user: "root", displayName: nil, roles: [.agent], groups: nil), as: "root") != nil)
        try desk.run(.createAgent(user: "ada", displayName: "Ada", roles: [.admin], groups: []), as: "root")
        try desk.run(.updateAgent(user: "root", displayName: nil, roles: [.agent], groups: nil), as: "root")
        #expect(desk.state.directory.agents["root"]?.roles == [.agent])
    }

    @Test func agentsAreRecordsWithFieldChanges() throws {
        var desk = TestDesk()
        let events = try desk.run(.createAgent(user: "root", displayName: "Root", roles: [.admin, .agent], groups: []), as: "root")
        #expect(events.count == 1)
        #expect(events[0].record == RecordID(kind: .agent, key: "root"))
        #expect(events[0].baseVersion == 0)
        #expect(events[0].changes.contains(FieldChange("roles", to: .list(["agent", "admin"]))))
    }

    @Test func creatingAnAgentTwiceIsRefused() throws {
        var desk = try TestDesk.staffed()
        #expect(desk.refused(.createAgent(user: "alice", displayName: "A", roles: [.agent], groups: []), as: "root") != nil)
    }

    @Test func agentGroupsMustExist() throws {
        var desk = try TestDesk.staffed()
        let r = desk.refused(.createAgent(user: "zed", displayName: "Z", roles: [.agent], groups: ["Nope"]), as: "root")
        #expect(r == .notFound(RecordID(kind: .group, key: "Nope")))
    }
}
