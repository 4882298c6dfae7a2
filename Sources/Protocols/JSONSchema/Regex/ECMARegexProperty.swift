/// The Unicode properties `\p{…}` can name: general categories (`L`, `Letter`,
/// `gc=Lu`, and `digit` as ICU spells `Nd`) and the binary properties the standard library
/// exposes. Names match loosely (case, `_`, `-` and spaces ignored). Scripts are not
/// available without tables the standard library does not expose, so they are rejected.
enum ECMARegexProperty: Sendable {
    case generalCategories([Unicode.GeneralCategory])
    case binary(BinaryProperty)
    case any
    case ascii
    case assigned

    enum BinaryProperty: Sendable {
        case alphabetic, whiteSpace, uppercase, lowercase, idStart, idContinue, xidStart, xidContinue
        case emoji, emojiPresentation, emojiModifier, emojiModifierBase, math, hexDigit, asciiHexDigit
        case dash, diacritic, extender, ideographic, noncharacterCodePoint, patternSyntax, patternWhiteSpace
        case quotationMark, radical, defaultIgnorableCodePoint, deprecated, joinControl, logicalOrderException
        case sentenceTerminal, softDotted, terminalPunctuation, unifiedIdeograph, variationSelector
        case bidiControl, bidiMirrored, caseIgnorable, cased
    }

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        switch self {
        case .any: return true
        case .ascii: return scalar.isASCII
        case .assigned: return scalar.properties.generalCategory != .unassigned
        case .generalCategories(let categories): return categories.contains(scalar.properties.generalCategory)
        case .binary(let property):
            let p = scalar.properties
            switch property {
            case .alphabetic: return p.isAlphabetic
            case .whiteSpace: return p.isWhitespace
            case .uppercase: return p.isUppercase
            case .lowercase: return p.isLowercase
            case .idStart: return p.isIDStart
            case .idContinue: return p.isIDContinue
            case .xidStart: return p.isXIDStart
            case .xidContinue: return p.isXIDContinue
            case .emoji: return p.isEmoji
            case .emojiPresentation: return p.isEmojiPresentation
            case .emojiModifier: return p.isEmojiModifier
            case .emojiModifierBase: return p.isEmojiModifierBase
            case .math: return p.isMath
            case .hexDigit: return p.isHexDigit
            case .asciiHexDigit: return p.isASCIIHexDigit
            case .dash: return p.isDash
            case .diacritic: return p.isDiacritic
            case .extender: return p.isExtender
            case .ideographic: return p.isIdeographic
            case .noncharacterCodePoint: return p.isNoncharacterCodePoint
            case .patternSyntax: return p.isPatternSyntax
            case .patternWhiteSpace: return p.isPatternWhitespace
            case .quotationMark: return p.isQuotationMark
            case .radical: return p.isRadical
            case .defaultIgnorableCodePoint: return p.isDefaultIgnorableCodePoint
            case .deprecated: return p.isDeprecated
            case .joinControl: return p.isJoinControl
            case .logicalOrderException: return p.isLogicalOrderException
            case .sentenceTerminal: return p.isSentenceTerminal
            case .softDotted: return p.isSoftDotted
            case .terminalPunctuation: return p.isTerminalPunctuation
            case .unifiedIdeograph: return p.isUnifiedIdeograph
            case .variationSelector: return p.isVariationSelector
            case .bidiControl: return p.isBidiControl
            case .bidiMirrored: return p.isBidiMirrored
            case .caseIgnorable: return p.isCaseIgnorable
            case .cased: return p.isCased
            }
        }
    }

    /// Looks up `\p{name}` / `\p{key=value}`; nil if unknown or unsupported.
    static func named(_ text: String) -> ECMARegexProperty? {
        if let equals = text.firstIndex(of: "=") {
            let key = loose(String(text[..<equals]))
            let value = loose(String(text[text.index(after: equals)...]))
            guard key == "gc" || key == "generalcategory" else { return nil }
            return generalCategory(value).map { .generalCategories($0) }
        }
        let name = loose(text)
        if let categories = generalCategory(name) { return .generalCategories(categories) }
        switch name {
        case "any": return .any
        case "ascii": return .ascii
        case "assigned": return .assigned
        default: break
        }
        return binary[name].map { .binary($0) }
    }

    private static func loose(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { $0 != "_" && $0 != "-" && $0 != " " })
    }

    private static func generalCategory(_ name: String) -> [Unicode.GeneralCategory]? {
        switch name {
        case "l", "letter": [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter]
        case "lc", "casedletter": [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter]
        case "lu", "uppercaseletter": [.uppercaseLetter]
        case "ll", "lowercaseletter": [.lowercaseLetter]
        case "lt", "titlecaseletter": [.titlecaseLetter]
        case "lm", "modifierletter": [.modifierLetter]
        case "lo", "otherletter": [.otherLetter]
        case "m", "mark", "combiningmark": [.nonspacingMark, .spacingMark, .enclosingMark]
        case "mn", "nonspacingmark": [.nonspacingMark]
        case "mc", "spacingmark": [.spacingMark]
        case "me", "enclosingmark": [.enclosingMark]
        case "n", "number": [.decimalNumber, .letterNumber, .otherNumber]
        case "nd", "decimalnumber", "digit": [.decimalNumber]
        case "nl", "letternumber": [.letterNumber]
        case "no", "othernumber": [.otherNumber]
        case "p", "punctuation", "punct":
            [.connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation]
        case "pc", "connectorpunctuation": [.connectorPunctuation]
        case "pd", "dashpunctuation": [.dashPunctuation]
        case "ps", "openpunctuation": [.openPunctuation]
        case "pe", "closepunctuation": [.closePunctuation]
        case "pi", "initialpunctuation": [.initialPunctuation]
        case "pf", "finalpunctuation": [.finalPunctuation]
        case "po", "otherpunctuation": [.otherPunctuation]
        case "s", "symbol": [.mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol]
        case "sm", "mathsymbol": [.mathSymbol]
        case "sc", "currencysymbol": [.currencySymbol]
        case "sk", "modifiersymbol": [.modifierSymbol]
        case "so", "othersymbol": [.otherSymbol]
        case "z", "separator": [.spaceSeparator, .lineSeparator, .paragraphSeparator]
        case "zs", "spaceseparator": [.spaceSeparator]
        case "zl", "lineseparator": [.lineSeparator]
        case "zp", "paragraphseparator": [.paragraphSeparator]
        case "c", "other": [.control, .format, .surrogate, .privateUse, .unassigned]
        case "cc", "control", "cntrl": [.control]
        case "cf", "format": [.format]
        case "cs", "surrogate": [.surrogate]
        case "co", "privateuse": [.privateUse]
        case "cn", "unassigned": [.unassigned]
        default: nil
        }
    }

    private static let binary: [String: BinaryProperty] = [
        "alphabetic": .alphabetic, "alpha": .alphabetic, "whitespace": .whiteSpace, "space": .whiteSpace,
        "uppercase": .uppercase, "upper": .uppercase, "lowercase": .lowercase, "lower": .lowercase,
        "idstart": .idStart, "ids": .idStart, "idcontinue": .idContinue, "idc": .idContinue,
        "xidstart": .xidStart, "xids": .xidStart, "xidcontinue": .xidContinue, "xidc": .xidContinue,
        "emoji": .emoji, "emojipresentation": .emojiPresentation, "epres": .emojiPresentation,
        "emojimodifier": .emojiModifier, "emod": .emojiModifier,
        "emojimodifierbase": .emojiModifierBase, "ebase": .emojiModifierBase,
        "math": .math, "hexdigit": .hexDigit, "hex": .hexDigit, "asciihexdigit": .asciiHexDigit, "ahex": .asciiHexDigit,
        "dash": .dash, "diacritic": .diacritic, "dia": .diacritic, "extender": .extender, "ext": .extender,
        "ideographic": .ideographic, "ideo": .ideographic,
        "noncharactercodepoint": .noncharacterCodePoint, "nchar": .noncharacterCodePoint,
        "patternsyntax": .patternSyntax, "patsyn": .patternSyntax,
        "patternwhitespace": .patternWhiteSpace, "patws": .patternWhiteSpace,
        "quotationmark": .quotationMark, "qmark": .quotationMark, "radical": .radical,
        "defaultignorablecodepoint": .defaultIgnorableCodePoint, "di": .defaultIgnorableCodePoint,
        "deprecated": .deprecated, "dep": .deprecated, "joincontrol": .joinControl, "joinc": .joinControl,
        "logicalorderexception": .logicalOrderException, "loe": .logicalOrderException,
        "sentenceterminal": .sentenceTerminal, "sterm": .sentenceTerminal,
        "softdotted": .softDotted, "sd": .softDotted,
        "terminalpunctuation": .terminalPunctuation, "term": .terminalPunctuation,
        "unifiedideograph": .unifiedIdeograph, "uideo": .unifiedIdeograph,
        "variationselector": .variationSelector, "vs": .variationSelector,
        "bidicontrol": .bidiControl, "bidic": .bidiControl, "bidimirrored": .bidiMirrored, "bidim": .bidiMirrored,
        "caseignorable": .caseIgnorable, "ci": .caseIgnorable, "cased": .cased,
    ]
}
