package io.stowage.accounts;

import java.util.regex.Pattern;

/**
 * Text a client chose (a username, a header, an address, a token's subject) made fit for one log line: control,
 * format and line or paragraph separator characters become {@code _}, so that no client can start a line of its
 * own, and long values are cut. The one sanitiser of the audit trail and of the access log: it lives here because
 * {@code web} depends on {@code auth}, never the reverse.
 */
public final class LogText {

    private static final Pattern BREAKING = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]");
    private static final Pattern BREAKING_OR_QUOTE = Pattern.compile("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\"\\\\]");

    private LogText() {
    }

    /** The value as one printable line of at most {@code maxLength} characters; {@code -} for null. */
    public static String of(String value, int maxLength) {
        return clean(value, false, maxLength);
    }

    /** As {@link #of}, and without {@code "} or {@code \}, for a value the line shows between quotes. */
    public static String quotable(String value, int maxLength) {
        return clean(value, true, maxLength);
    }

    private static String clean(String value, boolean quotable, int maxLength) {
        if (value == null) {
            return "-";
        }
        String cut = value;
        if (value.length() > maxLength) {
            int end = Character.isHighSurrogate(value.charAt(maxLength - 1)) ? maxLength - 1 : maxLength;
            cut = value.substring(0, end);
        }
        if (plain(cut, quotable)) {
            return cut;
        }
        return (quotable ? BREAKING_OR_QUOTE : BREAKING).matcher(cut).replaceAll("_");
    }

    /** Whether the text is printable ASCII only (and without quote or backslash, if asked): nothing to replace. */
    private static boolean plain(String text, boolean quotable) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e || quotable && (c == '"' || c == '\\')) {
                return false;
            }
        }
        return true;
    }
}
