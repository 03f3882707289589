package app.credits.runtime;

/** Text into HTML: the emails' HTML part and the unsubscribe pages. */
public final class Html {
    private Html() {
    }

    /** Everything that comes from data goes through here before it enters HTML (text or a quoted attribute). */
    public static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
