package app.credits.local;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link LocalServer.Extras} that read the query string: they answer the URI form; the path form has no query. */
interface QueryExtras extends LocalServer.Extras {
    @Override
    default Optional<LocalServer.Reply> handle(String method, String path, Map<String, List<String>> headers, byte[] body)
            throws Exception {
        return handle(method, URI.create(path), headers, body);
    }

    @Override
    Optional<LocalServer.Reply> handle(String method, URI uri, Map<String, List<String>> headers, byte[] body)
            throws Exception;
}
