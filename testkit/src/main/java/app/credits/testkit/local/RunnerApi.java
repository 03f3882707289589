package app.credits.testkit.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The API of a running local runner, as a client calls it over HTTP: a JSON body and a bearer token when given.
 * The runner's integration tests and the Billing page's browser tests set their scenes and read the truth with it.
 */
public final class RunnerApi {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String baseUrl;

    /** {@code baseUrl}: {@code http://127.0.0.1:<port>}. */
    public RunnerApi(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public HttpResponse<String> send(String method, String path, String token, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
