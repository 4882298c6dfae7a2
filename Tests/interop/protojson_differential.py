#!/usr/bin/env python3
"""Differential test of OctoBus's ProtoJSON codec (Swift, Sources/Protocols/Protobuf/Codec)
against Python protobuf's json_format, driven by
Tests/ProtocolsTests/Protobuf/ProtoJSONDifferentialTests.swift.

  generate --descriptor-set SET --seed N --count K --out CASES
      Random messages of every tested type, built with the real protobuf runtime from a
      descriptor set compiled by protoc. For each: its binary and json_format.MessageToDict
      (the canonical ProtoJSON the Swift decoder must produce), and a ProtoJSON text from
      json_format.MessageToJson with random printer options (proto names, enum numbers,
      defaults printed) that the Swift encoder must turn back into the same message.

  verify --descriptor-set SET --cases CASES --results RESULTS
      Compares what Swift produced: decoded JSON must equal the canonical JSON (as JSON
      values: same keys, same strings, numbers equal bit for bit, -0 kept); encoded binary,
      parsed by Python, must serialize (deterministically) exactly as the original message.
      Prints every difference and exits 1 if there is any.

Exit status 2: a dependency is missing (the Swift test fails; it never skips).
"""

import argparse
import base64
import json
import math
import random
import struct
import sys

try:
    from google.protobuf import descriptor, descriptor_pb2, descriptor_pool, json_format, message_factory
except ImportError as error:  # pragma: no cover - reported to the Swift test
    print(f"missing Python dependency: {error}; install Tests/requirements.txt into .venv", file=sys.stderr)
    sys.exit(2)

FD = descriptor.FieldDescriptor

# Top-level types under test: every field kind lives in one of them.
TYPES = [
    "codec.test.AllTypes",
    "codec.test.Scalars",
    "codec.test2.Proto2Message",
    "diff.v1.MapKinds",
    "diff.v1.WellKnown",
    "diff.v1.Presence",
    "google.protobuf.Any",
    "google.protobuf.Struct",
    "google.protobuf.Value",
    "google.protobuf.ListValue",
    "google.protobuf.Timestamp",
    "google.protobuf.Duration",
    "google.protobuf.FieldMask",
    "google.protobuf.Int64Value",
    "google.protobuf.DoubleValue",
    "google.protobuf.Empty",
]

# Types an Any may pack (resolvable in the set).
ANY_PAYLOADS = [
    "codec.test.Scalars",
    "codec.test.Nested",
    "diff.v1.MapKinds",
    "google.protobuf.Timestamp",
    "google.protobuf.Duration",
    "google.protobuf.Empty",
    "google.protobuf.Struct",
    "google.protobuf.Value",
    "google.protobuf.ListValue",
    "google.protobuf.FieldMask",
    "google.protobuf.Int32Value",
    "google.protobuf.StringValue",
    "google.protobuf.Any",
]

PRINTER_VARIANTS = ["canonical", "proto_names", "enum_numbers", "with_defaults", "everything"]


def load_pool(path):
    with open(path, "rb") as f:
        files = descriptor_pb2.FileDescriptorSet.FromString(f.read())
    pool = descriptor_pool.DescriptorPool()
    for file in files.file:
        pool.Add(file)
    return pool


def message_class(pool, name):
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(name))


def is_repeated(field):
    return field.is_repeated


def is_map(field):
    return field.type == FD.TYPE_MESSAGE and field.message_type.GetOptions().map_entry


class Generator:
    """Random messages; values stay within what ProtoJSON can represent."""

    def __init__(self, pool, rng, max_depth=3):
        self.pool = pool
        self.rng = rng
        self.max_depth = max_depth

    def chance(self, percent):
        return self.rng.randrange(100) < percent

    # -- scalars --------------------------------------------------------------------

    def int_value(self, bits, signed):
        if signed:
            low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        else:
            low, high = 0, (1 << bits) - 1
        if self.chance(40):
            return self.rng.choice([low, high, 0, 1, min(high, 127), max(low, -1), min(high, (1 << 53) + 1)])
        return self.rng.randint(low, high)

    def double_value(self):
        if self.chance(45):
            return self.rng.choice(
                [0.0, -0.0, 1.5, -2.25, float("nan"), float("inf"), float("-inf"), 5e-324, 1.7976931348623157e308,
                 1e21, 1e-7, 123456789.125, 0.1, 1e16, 100.0, 2.0**53, -1e-300])
        value = struct.unpack("<d", self.rng.getrandbits(64).to_bytes(8, "little"))[0]
        return value if math.isfinite(value) else self.rng.uniform(-1e6, 1e6)

    def float_value(self):
        if self.chance(45):
            return self.rng.choice(
                [0.0, -0.0, 1.5, float("nan"), float("inf"), float("-inf"), 3.4028234663852886e38,
                 1.401298464324817e-45, 0.1, 16777217.0, 1e10, -7.0])
        value = struct.unpack("<f", self.rng.getrandbits(32).to_bytes(4, "little"))[0]
        return value if math.isfinite(value) else self.rng.uniform(-1e6, 1e6)

    def string_value(self):
        pieces = ["", "a", "héllo", "😀", '"q"', "back\\slash", "<&>", "\u2028", "\x00", "tab\t", "日本", " ", "\x7f",
                  "\U0010FFFF", "\ufeff"]
        return "".join(self.rng.choice(pieces) for _ in range(self.rng.randrange(4)))

    def bytes_value(self):
        return bytes(self.rng.getrandbits(8) for _ in range(self.rng.randrange(12)))

    def scalar(self, field):
        t = field.type
        if t in (FD.TYPE_INT32, FD.TYPE_SINT32, FD.TYPE_SFIXED32):
            return self.int_value(32, True)
        if t in (FD.TYPE_INT64, FD.TYPE_SINT64, FD.TYPE_SFIXED64):
            return self.int_value(64, True)
        if t in (FD.TYPE_UINT32, FD.TYPE_FIXED32):
            return self.int_value(32, False)
        if t in (FD.TYPE_UINT64, FD.TYPE_FIXED64):
            return self.int_value(64, False)
        if t == FD.TYPE_DOUBLE:
            return self.double_value()
        if t == FD.TYPE_FLOAT:
            return self.float_value()
        if t == FD.TYPE_BOOL:
            return self.chance(50)
        if t == FD.TYPE_STRING:
            return self.string_value()
        if t == FD.TYPE_BYTES:
            return self.bytes_value()
        if t == FD.TYPE_ENUM:
            values = field.enum_type.values
            # NullValue is written as null whatever its number, so only 0 survives JSON.
            if field.enum_type.full_name == "google.protobuf.NullValue":
                return 0
            if field.enum_type.is_closed or self.chance(80):
                return self.rng.choice(values).number
            return self.rng.randint(-5, 60)  # open enums keep numbers they do not list
        raise ValueError(f"not a scalar: {field.full_name}")

    # -- messages -------------------------------------------------------------------

    def fill(self, message, depth=0):
        name = message.DESCRIPTOR.full_name
        special = {
            "google.protobuf.Timestamp": self.fill_timestamp,
            "google.protobuf.Duration": self.fill_duration,
            "google.protobuf.FieldMask": self.fill_field_mask,
            "google.protobuf.Value": self.fill_value,
            "google.protobuf.Any": self.fill_any,
        }.get(name)
        if special:
            special(message, depth)
            return
        chosen = {}
        for oneof in message.DESCRIPTOR.oneofs:
            if not getattr(oneof, "is_synthetic", False) and len(oneof.fields) and self.chance(60):
                chosen[oneof.name] = self.rng.choice(oneof.fields).name
        for field in message.DESCRIPTOR.fields:
            oneof = field.containing_oneof
            if oneof is not None and not getattr(oneof, "is_synthetic", False):
                if chosen.get(oneof.name) == field.name:
                    self.set_field(message, field, depth, force=True)
                continue
            if field.is_required or self.chance(50):
                self.set_field(message, field, depth)

    def set_field(self, message, field, depth, force=False):
        deep = depth >= self.max_depth
        if is_map(field):
            key_field = field.message_type.fields_by_name["key"]
            value_field = field.message_type.fields_by_name["value"]
            if value_field.type == FD.TYPE_MESSAGE and deep:
                return
            container = getattr(message, field.name)
            for _ in range(self.rng.randrange(4)):
                key = self.scalar(key_field)
                if value_field.type == FD.TYPE_MESSAGE:
                    self.fill(container[key], depth + 1)
                else:
                    container[key] = self.scalar(value_field)
            return
        if field.type in (FD.TYPE_MESSAGE, FD.TYPE_GROUP):
            if deep and not force:
                return
            if is_repeated(field):
                container = getattr(message, field.name)
                for _ in range(self.rng.randrange(4)):
                    self.fill(container.add(), depth + 1)
            else:
                child = getattr(message, field.name)
                child.SetInParent()
                if not deep:
                    self.fill(child, depth + 1)
                elif child.DESCRIPTOR.full_name == "google.protobuf.Value":
                    child.null_value = 0
            return
        if is_repeated(field):
            getattr(message, field.name).extend(self.scalar(field) for _ in range(self.rng.randrange(5)))
        else:
            setattr(message, field.name, self.scalar(field))

    def fill_timestamp(self, message, depth):
        message.seconds = self.rng.randint(-62135596800, 253402300799)
        message.nanos = self.nanos()

    def fill_duration(self, message, depth):
        message.seconds = self.rng.randint(-315576000000, 315576000000)
        nanos = self.nanos()
        negative = message.seconds < 0 or (message.seconds == 0 and self.chance(50))
        message.nanos = -nanos if negative else nanos

    def nanos(self):
        return self.rng.choice([
            0, self.rng.randrange(1000) * 1000000, self.rng.randrange(1000000) * 1000, self.rng.randrange(1000000000)])

    def fill_field_mask(self, message, depth):
        words = ["a", "foo", "bar", "display", "name", "x", "tags"]
        for _ in range(self.rng.randrange(4)):
            segments = ["_".join(self.rng.choice(words) for _ in range(self.rng.randint(1, 3)))
                        for _ in range(self.rng.randint(1, 3))]
            message.paths.append(".".join(segments))

    def fill_value(self, message, depth):
        kinds = ["null", "number", "string", "bool"] + (["struct", "list"] if depth < self.max_depth else [])
        kind = self.rng.choice(kinds)
        if kind == "null":
            message.null_value = 0
        elif kind == "number":
            value = self.double_value()
            message.number_value = value if math.isfinite(value) else 0.5
        elif kind == "string":
            message.string_value = self.string_value()
        elif kind == "bool":
            message.bool_value = self.chance(50)
        elif kind == "struct":
            message.struct_value.SetInParent()
            for _ in range(self.rng.randrange(3)):
                self.fill_value(message.struct_value.fields[self.string_value()], depth + 1)
        else:
            message.list_value.SetInParent()
            for _ in range(self.rng.randrange(3)):
                self.fill_value(message.list_value.values.add(), depth + 1)

    def fill_any(self, message, depth):
        if depth >= self.max_depth or not self.chance(85):
            return
        name = self.rng.choice(ANY_PAYLOADS)
        inner = message_class(self.pool, name)()
        self.fill(inner, depth + 1)
        message.type_url = "type.googleapis.com/" + name
        message.value = inner.SerializeToString()


# -- non-canonical JSON --------------------------------------------------------------

INT64_TYPES = (FD.TYPE_INT64, FD.TYPE_SINT64, FD.TYPE_SFIXED64, FD.TYPE_UINT64, FD.TYPE_FIXED64)
INT32_TYPES = (FD.TYPE_INT32, FD.TYPE_SINT32, FD.TYPE_SFIXED32, FD.TYPE_UINT32, FD.TYPE_FIXED32)
WRAPPER_KINDS = {
    "google.protobuf.Int64Value": FD.TYPE_INT64, "google.protobuf.UInt64Value": FD.TYPE_UINT64,
    "google.protobuf.Int32Value": FD.TYPE_INT32, "google.protobuf.UInt32Value": FD.TYPE_UINT32,
    "google.protobuf.BytesValue": FD.TYPE_BYTES,
}


class Mutator:
    """Rewrites canonical ProtoJSON into other forms parsers must accept: proto names for
    JSON names, 64-bit integers as numbers, 32-bit integers as strings, enum numbers, URL-safe
    unpadded base64, "+00:00" for "Z", durations without trailing zeros."""

    def __init__(self, pool, rng):
        self.pool = pool
        self.rng = rng

    def chance(self):
        return self.rng.randrange(2) == 0

    def message(self, value, desc):
        name = desc.full_name
        if name == "google.protobuf.Any" and isinstance(value, dict) and "@type" in value:
            inner = self.pool.FindMessageTypeByName(value["@type"].split("/")[-1])
            if inner.full_name in SPECIAL_JSON:
                return {"@type": value["@type"], "value": self.message(value["value"], inner)} if "value" in value else value
            rest = self.message({k: v for k, v in value.items() if k != "@type"}, inner)
            return {"@type": value["@type"], **rest}
        if name in WRAPPER_KINDS:
            return self.scalar(value, WRAPPER_KINDS[name], None)
        if name == "google.protobuf.Timestamp" and isinstance(value, str) and value.endswith("Z") and self.chance():
            return value[:-1] + "+00:00"
        if name == "google.protobuf.Duration" and isinstance(value, str) and "." in value and self.chance():
            seconds, fraction = value[:-1].split(".")
            fraction = fraction.rstrip("0")
            return f"{seconds}.{fraction}s" if fraction else f"{seconds}s"
        if name in SPECIAL_JSON or not isinstance(value, dict):
            return value
        fields = {field.json_name: field for field in desc.fields}
        fields.update({field.name: field for field in desc.fields})
        out = {}
        for key, item in value.items():
            field = fields[key]
            out_key = (field.name if key == field.json_name else field.json_name) if self.chance() else key
            out[out_key] = self.field(item, field)
        return out

    def field(self, value, field):
        if is_map(field):
            value_field = field.message_type.fields_by_name["value"]
            return {key: self.single(item, value_field) for key, item in value.items()}
        if is_repeated(field) and isinstance(value, list):
            return [self.single(item, field) for item in value]
        return self.single(value, field)

    def single(self, value, field):
        if field.type in (FD.TYPE_MESSAGE, FD.TYPE_GROUP):
            return self.message(value, field.message_type)
        return self.scalar(value, field.type, field)

    def scalar(self, value, kind, field):
        if not self.chance():
            return value
        if kind in INT64_TYPES and isinstance(value, str) and abs(int(value)) <= 2**53:
            return int(value)
        if kind in INT32_TYPES and isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if kind == FD.TYPE_BYTES and isinstance(value, str):
            return value.replace("+", "-").replace("/", "_").rstrip("=")
        if (kind == FD.TYPE_ENUM and isinstance(value, str) and field is not None
                and field.enum_type.full_name != "google.protobuf.NullValue"):
            return field.enum_type.values_by_name[value].number
        return value


# -- comparison ---------------------------------------------------------------------

# Well-known types whose ProtoJSON is not an object of their fields.
SPECIAL_JSON = {
    "google.protobuf.Any", "google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask",
    "google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue", "google.protobuf.DoubleValue",
    "google.protobuf.FloatValue", "google.protobuf.Int64Value", "google.protobuf.UInt64Value",
    "google.protobuf.Int32Value", "google.protobuf.UInt32Value", "google.protobuf.BoolValue",
    "google.protobuf.StringValue", "google.protobuf.BytesValue",
}


class Comparator:
    """Compares two ProtoJSON values of one message type. Everything must be equal as JSON
    values (numbers bit for bit, -0 kept) except float (32-bit) values, which only need to
    denote the same float: json_format starts its shortest-float search at 6 significant
    digits (1.4013e-45) where the codec writes the shortest text (1e-45), as Go does."""

    def __init__(self, pool):
        self.pool = pool

    def message(self, expected, actual, desc, path):
        name = desc.full_name
        if name == "google.protobuf.Any":
            return self.any(expected, actual, path)
        if name == "google.protobuf.FloatValue":
            return self.scalar(expected, actual, True, path)
        if name in SPECIAL_JSON:
            return plain_difference(expected, actual, path)
        if not isinstance(expected, dict) or not isinstance(actual, dict):
            return plain_difference(expected, actual, path)
        if set(expected) != set(actual):
            return f"{path}: keys {sorted(expected)} != {sorted(actual)}"
        fields = {field.json_name: field for field in desc.fields}
        for key, value in expected.items():
            field = fields.get(key)
            if field is None:
                return f"{path}: json_format wrote a key {key!r} that is no field"
            found = self.field(value, actual[key], field, f"{path}.{key}")
            if found:
                return found
        return None

    def any(self, expected, actual, path):
        if not isinstance(expected, dict) or not isinstance(actual, dict) or "@type" not in expected:
            return plain_difference(expected, actual, path)
        if expected.get("@type") != actual.get("@type"):
            return f"{path}.@type: {expected.get('@type')!r} != {actual.get('@type')!r}"
        inner = self.pool.FindMessageTypeByName(expected["@type"].split("/")[-1])
        if inner.full_name in SPECIAL_JSON:
            if set(expected) != set(actual):
                return f"{path}: keys {sorted(expected)} != {sorted(actual)}"
            return self.message(expected["value"], actual["value"], inner, f"{path}.value")
        rest = lambda d: {k: v for k, v in d.items() if k != "@type"}
        return self.message(rest(expected), rest(actual), inner, path)

    def field(self, expected, actual, field, path):
        if is_map(field):
            value_field = field.message_type.fields_by_name["value"]
            if not isinstance(expected, dict) or not isinstance(actual, dict) or set(expected) != set(actual):
                return plain_difference(expected, actual, path) or f"{path}: map keys differ"
            for key in expected:
                found = self.single(expected[key], actual[key], value_field, f"{path}[{key!r}]")
                if found:
                    return found
            return None
        if is_repeated(field):
            if not isinstance(expected, list) or not isinstance(actual, list) or len(expected) != len(actual):
                return plain_difference(expected, actual, path) or f"{path}: list lengths differ"
            for index, (a, b) in enumerate(zip(expected, actual)):
                found = self.single(a, b, field, f"{path}[{index}]")
                if found:
                    return found
            return None
        return self.single(expected, actual, field, path)

    def single(self, expected, actual, field, path):
        if field.type in (FD.TYPE_MESSAGE, FD.TYPE_GROUP):
            return self.message(expected, actual, field.message_type, path)
        return self.scalar(expected, actual, field.type == FD.TYPE_FLOAT, path)

    @staticmethod
    def scalar(expected, actual, is_float32, path):
        if (is_float32 and isinstance(expected, (int, float)) and isinstance(actual, (int, float))
                and not isinstance(expected, bool) and not isinstance(actual, bool)):
            same = struct.pack("<f", float(expected)) == struct.pack("<f", float(actual))
            return None if same else f"{path}: expected {expected!r}, Swift wrote {actual!r} (as float)"
        return plain_difference(expected, actual, path)


def number_bits(value):
    return struct.pack("<d", float(value))


def plain_difference(expected, actual, path="$"):
    """None when the two JSON values are the same, else a description of the first difference."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        same = type(expected) is type(actual) and expected == actual
    elif isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        if isinstance(expected, int) and isinstance(actual, int):
            same = expected == actual
        else:
            same = number_bits(expected) == number_bits(actual)
    elif isinstance(expected, dict) and isinstance(actual, dict):
        if set(expected) != set(actual):
            return f"{path}: keys {sorted(expected)} != {sorted(actual)}"
        for key in expected:
            found = plain_difference(expected[key], actual[key], f"{path}.{key}")
            if found:
                return found
        return None
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return f"{path}: {len(expected)} items != {len(actual)} items"
        for index, (a, b) in enumerate(zip(expected, actual)):
            found = plain_difference(a, b, f"{path}[{index}]")
            if found:
                return found
        return None
    else:
        same = type(expected) is type(actual) and expected == actual
    return None if same else f"{path}: expected {expected!r}, Swift wrote {actual!r}"


def canonicalize(message, pool):
    """Rewrites every Any payload (opaque bytes, so deterministic serialization leaves its map
    entries in whatever order they were written) as the deterministic serialization of its
    canonicalized content, recursively."""
    desc = message.DESCRIPTOR
    if desc.full_name == "google.protobuf.Any":
        if message.type_url:
            inner = message_class(pool, message.type_url.split("/")[-1]).FromString(message.value)
            canonicalize(inner, pool)
            message.value = inner.SerializeToString(deterministic=True)
        return
    for field in desc.fields:
        if field.type not in (FD.TYPE_MESSAGE, FD.TYPE_GROUP):
            continue
        value = getattr(message, field.name)
        if is_map(field):
            if field.message_type.fields_by_name["value"].type == FD.TYPE_MESSAGE:
                for key in value:
                    canonicalize(value[key], pool)
        elif is_repeated(field):
            for item in value:
                canonicalize(item, pool)
        elif message.HasField(field.name):
            canonicalize(value, pool)


def canonical_bytes(message, pool):
    copy = type(message)()
    copy.CopyFrom(message)
    canonicalize(copy, pool)
    return copy.SerializeToString(deterministic=True)


def parse_swift_json(text):
    # Keep "-0" a negative zero (json would make it the integer 0).
    return json.loads(text, parse_int=lambda t: -0.0 if t == "-0" else int(t))


# -- commands -----------------------------------------------------------------------

def generate(args):
    pool = load_pool(args.descriptor_set)
    rng = random.Random(args.seed)
    generator = Generator(pool, rng)
    mutator = Mutator(pool, rng)
    mutated_count = 0
    cases = {"decode": [], "encode": []}
    for name in TYPES:
        cls = message_class(pool, name)
        produced = 0
        attempts = 0
        while produced < args.count:
            attempts += 1
            if attempts > args.count * 5:
                raise SystemExit(f"cannot generate representable messages of {name}")
            message = cls()
            generator.fill(message)
            try:
                expected = json_format.MessageToDict(message, descriptor_pool=pool)
            except json_format.SerializeToJsonError:
                continue  # not representable in ProtoJSON (e.g. a closed enum's unknown number)
            binary = message.SerializeToString()
            variant = rng.choice(PRINTER_VARIANTS)
            options = {
                "canonical": {},
                "proto_names": {"preserving_proto_field_name": True},
                "enum_numbers": {"use_integers_for_enums": True},
                "with_defaults": {"always_print_fields_with_no_presence": True},
                "everything": {"preserving_proto_field_name": True, "use_integers_for_enums": True,
                               "always_print_fields_with_no_presence": True},
            }[variant]
            text = json_format.MessageToJson(message, descriptor_pool=pool, **options)
            if rng.randrange(2) == 0:
                # A non-canonical spelling, used only if json_format itself reads it back as the
                # same message (so every accepted variant is one Python agrees on).
                mutated = json.dumps(mutator.message(json.loads(text), message.DESCRIPTOR), ensure_ascii=False)
                try:
                    check = json_format.Parse(mutated, cls(), descriptor_pool=pool)
                except json_format.ParseError:
                    check = None
                if check is not None and canonical_bytes(check, pool) == canonical_bytes(message, pool):
                    text = mutated
                    variant += "+mutated"
                    mutated_count += 1
            encoded = base64.b64encode(binary).decode("ascii")
            cases["decode"].append({"type": name, "binary": encoded, "expected": json.dumps(expected)})
            cases["encode"].append({"type": name, "json": text, "binary": encoded, "variant": variant})
            produced += 1
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(cases, f)
    print(f"generated {len(cases['decode'])} decode and {len(cases['encode'])} encode cases "
          f"({mutated_count} in non-canonical spellings; seed {args.seed})")
    return 0


def verify(args):
    pool = load_pool(args.descriptor_set)
    with open(args.cases, encoding="utf-8") as f:
        cases = json.load(f)
    with open(args.results, encoding="utf-8") as f:
        results = json.load(f)
    failures = []
    comparator = Comparator(pool)
    for index, (case, result) in enumerate(zip(cases["decode"], results["decode"])):
        where = f"decode #{index} {case['type']} binary={case['binary']}"
        if "error" in result:
            failures.append(f"{where}: Swift failed: {result['error']}; json_format wrote {case['expected']}")
            continue
        desc = pool.FindMessageTypeByName(case["type"])
        found = comparator.message(json.loads(case["expected"]), parse_swift_json(result["json"]), desc, "$")
        if found:
            failures.append(f"{where}: {found}\n    json_format: {case['expected']}\n    Swift:       {result['json']}")
    for index, (case, result) in enumerate(zip(cases["encode"], results["encode"])):
        where = f"encode #{index} {case['type']} ({case['variant']}) json={json.dumps(case['json'])}"
        if "error" in result:
            failures.append(f"{where}: Swift failed: {result['error']}")
            continue
        cls = message_class(pool, case["type"])
        original = cls.FromString(base64.b64decode(case["binary"]))
        try:
            parsed = cls.FromString(base64.b64decode(result["binary"]))
        except Exception as error:  # DecodeError and friends
            failures.append(f"{where}: Python cannot parse Swift's binary: {error}")
            continue
        if canonical_bytes(parsed, pool) != canonical_bytes(original, pool):
            failures.append(
                f"{where}: Swift's binary is a different message\n    expected: {json_format.MessageToJson(original, descriptor_pool=pool, indent=None)}"
                f"\n    Swift:    {json_format.MessageToJson(parsed, descriptor_pool=pool, indent=None)}"
                f"\n    binary expected {case['binary']}\n    binary Swift    {result['binary']}")
    if len(results["decode"]) != len(cases["decode"]) or len(results["encode"]) != len(cases["encode"]):
        failures.append("Swift returned a different number of results than there are cases")
    total = len(cases["decode"]) + len(cases["encode"])
    for failure in failures[:args.max_report]:
        print("FAIL " + failure)
    print(f"{total - len(failures)} of {total} cases agree; {len(failures)} differ")
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate")
    gen.add_argument("--descriptor-set", required=True)
    gen.add_argument("--seed", type=int, required=True)
    gen.add_argument("--count", type=int, default=100)
    gen.add_argument("--out", required=True)
    ver = commands.add_parser("verify")
    ver.add_argument("--descriptor-set", required=True)
    ver.add_argument("--cases", required=True)
    ver.add_argument("--results", required=True)
    ver.add_argument("--max-report", type=int, default=40)
    args = parser.parse_args()
    return generate(args) if args.command == "generate" else verify(args)


if __name__ == "__main__":
    sys.exit(main())
