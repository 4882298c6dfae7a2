// Comments come from FileDescriptorProto.source_code_info, whose locations are
// addressed by a path of field numbers and indexes into descriptor.proto
// (e.g. [4, 0, 2, 1] = message_type[0].field[1]). protoc keeps them only with
// --include_source_info; without it every element simply has no comments.

export function indexSourceCodeInfo(sourceCodeInfo) {
  const index = new Map();
  for (const location of sourceCodeInfo?.location ?? []) {
    const key = (location.path ?? []).join(",");
    // The first location for a path is the declaration itself; later ones
    // (same path, other spans) are parts of it.
    if (!index.has(key)) index.set(key, location);
  }
  return index;
}

// Comments in the protobuf-es shape: raw text as protoc recorded it (leading
// space and trailing newline included); absent comments are undefined.
export function commentsForPath(index, path) {
  const location = index?.get(path.join(","));
  const comments = { leadingDetached: [], leading: undefined, trailing: undefined };
  if (location === undefined) return comments;
  comments.leadingDetached = [...(location.leadingDetachedComments ?? [])];
  if (Object.hasOwn(location, "leadingComments")) comments.leading = location.leadingComments;
  if (Object.hasOwn(location, "trailingComments")) comments.trailing = location.trailingComments;
  return comments;
}
