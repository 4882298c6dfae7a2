/// Where in a message a codec is: rendered into errors as `items[2].labels["env"].value`.
struct ProtoJSONPath {
    enum Component {
        /// A field, by the key it has in the JSON (as given, or as written).
        case field(String)
        /// An item of a list.
        case index(Int)
        /// An entry of a map or a Struct.
        case key(String)
    }

    private(set) var components: [Component] = []

    mutating func push(_ component: Component) { components.append(component) }
    mutating func pop() { components.removeLast() }

    var rendered: String {
        var out = ""
        for component in components {
            switch component {
            case .field(let name): out += out.isEmpty ? name : "." + name
            case .index(let i): out += "[\(i)]"
            case .key(let key): out += "[" + JSONWriter.quoted(key) + "]"
            }
        }
        return out
    }
}
