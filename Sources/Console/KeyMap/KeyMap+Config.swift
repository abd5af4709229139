/// Reading `[keys]` from config.toml into the key map.
extension KeyMap {
    /// The declared bindings with config.toml's `[keys]` remaps applied; refused remaps are in
    /// `warnings` (`config.toml:7: keys.ACTION: …`).
    public init(config: ConfigFile, bindings: [Binding] = DeclaredBindings.all) {
        // ConfigFile gives one remap per key; an action's keys replace its declared ones together.
        var requests: [KeyRemapRequest] = []
        for remap in config.keys {
            if let i = requests.firstIndex(where: { $0.action == remap.action }) {
                requests[i].keys.append(remap.key)
            } else {
                requests.append(KeyRemapRequest(action: remap.action, keys: [remap.key], line: remap.line ?? 0))
            }
        }
        self.init(bindings: bindings, remaps: requests, file: config.path)
    }
}
