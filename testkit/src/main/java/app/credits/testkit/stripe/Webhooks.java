package app.credits.testkit.stripe;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stripe's webhook deliveries: each recorded event is POSTed to every endpoint, signed with the endpoint's
 * {@code whsec_} secret exactly as Stripe signs ({@link WebhookSignatures}), and each attempt is kept (what
 * {@code delivery_success} and {@code pending_webhooks} report). An endpoint is a URL, or a receiver in the test's
 * JVM that gets the same payload and header.
 * <p>
 * {@link Delivery#AUTOMATIC}: an event is sent once, as soon as the change that made it is done (before the API call
 * that made it answers). {@link Delivery#HELD}: events wait in {@link #pending()} until a test delivers them, in any
 * order and as often as it likes. An event of a change made with {@code deliver: false} is never sent by itself.
 */
public final class Webhooks {

    public enum Delivery { AUTOMATIC, HELD }

    /** An endpoint in the test's JVM: answers a delivery as an HTTP endpoint would. */
    @FunctionalInterface
    public interface Receiver {
        Answer receive(String payload, String stripeSignature) throws Exception;
    }

    /** What an endpoint answered; status 0 when it could not be reached. */
    public record Answer(int status, String body) {
        public boolean succeeded() {
            return status / 100 == 2;
        }
    }

    /** One delivery attempt of one event to one endpoint. */
    public record Attempt(String eventId, String eventType, String endpoint, Answer answer, Instant at) {
        public boolean succeeded() {
            return answer.succeeded();
        }
    }

    private record Endpoint(String name, String secret, Receiver receiver) {
    }

    private final Clock clock;
    private final EventLog events;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Endpoint> endpoints = new CopyOnWriteArrayList<>();
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private final Deque<String> queued = new ArrayDeque<>();
    private volatile Delivery delivery = Delivery.AUTOMATIC;

    Webhooks(Clock clock, EventLog events) {
        this.clock = clock;
        this.events = events;
    }

    /** Adds an endpoint at {@code url} (Stripe's "Add endpoint", all events). */
    public Webhooks endpoint(URI url, String secret) {
        endpoints.add(new Endpoint(url.toString(), secret, (payload, signature) -> post(url, payload, signature)));
        return this;
    }

    /** Adds an endpoint in this JVM, e.g. the webhook function's handler. */
    public Webhooks endpoint(String name, String secret, Receiver receiver) {
        endpoints.add(new Endpoint(name, secret, receiver));
        return this;
    }

    public Webhooks delivery(Delivery mode) {
        this.delivery = mode;
        return this;
    }

    /** Deliverable events not sent yet (held, or made while nothing was listening), oldest first. */
    public synchronized List<String> pending() {
        return List.copyOf(queued);
    }

    /** Sends one event now to every endpoint, whatever happened to it before (a redelivery, a duplicate). */
    public List<Attempt> deliver(String eventId) {
        synchronized (this) {
            queued.remove(eventId);
        }
        EventLog.Recorded recorded = events.find(eventId)
                .orElseThrow(() -> new IllegalArgumentException("no event " + eventId));
        List<Attempt> made = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            String payload = StripeJson.write(recorded.event());
            Instant now = clock.instant();
            Answer answer;
            try {
                answer = endpoint.receiver().receive(payload, WebhookSignatures.sign(payload, endpoint.secret(), now));
            } catch (Exception e) {
                answer = new Answer(0, e.toString());
            }
            Attempt attempt = new Attempt(eventId, recorded.event().path("type").asText(), endpoint.name(), answer, now);
            attempts.add(attempt);
            made.add(attempt);
            events.setPendingWebhooks(eventId, undelivered(eventId));
        }
        return made;
    }

    /** Sends every pending event once, oldest first. */
    public List<Attempt> deliverPending() {
        List<Attempt> made = new ArrayList<>();
        for (String id : pending()) {
            made.addAll(deliver(id));
        }
        return made;
    }

    public List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    public List<Attempt> attempts(String eventId) {
        return attempts.stream().filter(a -> a.eventId().equals(eventId)).toList();
    }

    /** Whether every endpoint has acknowledged the event (Stripe's {@code delivery_success}). */
    public boolean deliveredToAll(String eventId) {
        return undelivered(eventId) == 0;
    }

    /** Called for every recorded event: counts its pending webhooks and queues it if it may be sent. */
    synchronized void recorded(EventLog.Recorded event) {
        events.setPendingWebhooks(event.id(), endpoints.size());
        if (event.deliverable()) {
            queued.add(event.id());
        }
    }

    /** After a change: in automatic mode, sends what it queued (outside any lock: a receiver may call Stripe back). */
    void flush() {
        if (delivery != Delivery.AUTOMATIC || endpoints.isEmpty()) {
            return;
        }
        List<String> now;
        synchronized (this) {
            now = List.copyOf(queued);
            queued.clear();
        }
        now.forEach(this::deliver);
    }

    /** Forgets attempts and pending events; endpoints and the delivery mode stay. */
    synchronized void forget() {
        attempts.clear();
        queued.clear();
    }

    private int undelivered(String eventId) {
        int missing = 0;
        for (Endpoint endpoint : endpoints) {
            boolean ok = attempts.stream().anyMatch(a -> a.eventId().equals(eventId)
                    && a.endpoint().equals(endpoint.name()) && a.succeeded());
            missing += ok ? 0 : 1;
        }
        return missing;
    }

    private Answer post(URI url, String payload, String signature) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
                .header("Accept", "*/*; q=0.5, application/xml")
                .header("Cache-Control", "no-cache")
                .header("Stripe-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(payload))
                .build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }
}
