package app.credits.local;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Several {@link LocalServer.Extras} as one: the first that answers a request wins. */
final class LocalRoutes implements LocalServer.Extras {
    private final List<LocalServer.Extras> parts;

    LocalRoutes(LocalServer.Extras... parts) {
        this.parts = List.of(parts);
    }

    @Override
    public Optional<LocalServer.Reply> handle(String method, String path, String rawQuery,
                                             Map<String, List<String>> headers, byte[] body) throws Exception {
        for (LocalServer.Extras part : parts) {
            Optional<LocalServer.Reply> reply = part.handle(method, path, rawQuery, headers, body);
            if (reply.isPresent()) {
                return reply;
            }
        }
        return Optional.empty();
    }
}
