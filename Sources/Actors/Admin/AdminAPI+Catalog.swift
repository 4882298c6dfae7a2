import Protocols
import Runtime

/// `GET /admin/v1/catalog/{c}` (SPEC §8.7).
extension AdminAPI {
    var catalogRoutes: [AdminRoute] {
        [
            AdminRoute("GET", "catalog/{id}", .async { [routing] call throws(AdminError) in
                let format = call.queryValue("format") ?? "json"
                guard format == "json" || format == "md" else { throw AdminError.badRequest("format must be json or md") }
                let selection = try CatalogSelection.parse({ call.queryValue($0) }, has: { call.hasQuery($0) })
                guard let capset = await routing.table.capsets[call.parameters[0]], capset.record.enabled else {
                    throw AdminError.notFound("capset not found")
                }
                let catalog = Catalog(capset: capset, selection: selection)
                if format == "md" {
                    return .raw(200, contentType: "text/markdown; charset=utf-8", body: Array(catalog.markdown.utf8))
                }
                return .json(200, catalog.json)
            }),
            AdminRoute("GET", "catalog/{id}/{document}", .async { [routing] call throws(AdminError) in
                let document = call.parameters[1]
                guard document == "openapi.json" || document == "openapi.yaml" else { throw AdminError.unknownRoute }
                guard let capset = await routing.table.capsets[call.parameters[0]], capset.record.enabled else {
                    throw AdminError.notFound("capset not found")
                }
                switch capset.openAPI.document(for: capset) {
                case .success(let rendered):
                    return document == "openapi.yaml" ? .raw(200, contentType: "application/yaml", body: rendered.yaml)
                                                      : .raw(200, contentType: "application/json", body: rendered.json)
                case .failure(let error):
                    throw AdminError.internalError(error.message)
                }
            }),
        ]
    }
}
