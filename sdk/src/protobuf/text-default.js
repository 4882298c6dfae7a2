// Parses FieldDescriptorProto.default_value, which protoc writes in text-format
// notation: numbers in decimal, floats possibly "inf"/"-inf"/"nan", bools as
// "true"/"false", enums by value name and bytes C-escaped.
import { ScalarType } from "./scalar.js";

export function parseDefaultValue(field, text) {
  if (field.enum !== undefined) {
    const value = field.enum.values.find((v) => v.name === text);
    if (value === undefined) throw new Error(`invalid default value "${text}" for ${field}`);
    return value.number;
  }
  switch (field.scalar) {
    case ScalarType.STRING:
      return text;
    case ScalarType.BYTES:
      return unescapeBytes(text);
    case ScalarType.BOOL:
      return text === "true";
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      if (text === "inf") return Number.POSITIVE_INFINITY;
      if (text === "-inf") return Number.NEGATIVE_INFINITY;
      if (text === "nan") return Number.NaN;
      return Number(text);
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
    case ScalarType.SINT64:
      return field.longAsString ? BigInt(text).toString() : BigInt(text);
    default:
      return Number(text);
  }
}

// C-style unescaping as protoc's CEscape produces it: \n \r \t \" \' \\,
// octal \ooo and hex \xHH.
function unescapeBytes(text) {
  const out = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x5c /* \ */ || i + 1 >= text.length) {
      out.push(c & 0xff);
      continue;
    }
    const e = text[++i];
    switch (e) {
      case "n": out.push(10); break;
      case "r": out.push(13); break;
      case "t": out.push(9); break;
      case "a": out.push(7); break;
      case "b": out.push(8); break;
      case "f": out.push(12); break;
      case "v": out.push(11); break;
      case "x": {
        let hex = "";
        while (hex.length < 2 && /[0-9a-fA-F]/.test(text[i + 1] ?? "")) hex += text[++i];
        out.push(parseInt(hex || "0", 16));
        break;
      }
      default:
        if (e >= "0" && e <= "7") {
          let oct = e;
          while (oct.length < 3 && /[0-7]/.test(text[i + 1] ?? "")) oct += text[++i];
          out.push(parseInt(oct, 8) & 0xff);
        } else {
          out.push(e.charCodeAt(0) & 0xff);
        }
    }
  }
  return new Uint8Array(out);
}
