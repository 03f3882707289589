package app.credits.testkit.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.ApiException;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.CardException;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.RateLimitException;
import com.stripe.model.Event;
import com.stripe.model.PaymentIntent;
import com.stripe.model.StripeCollection;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.net.Webhook;
import com.stripe.param.EventListParams;
import com.stripe.param.PaymentIntentCreateParams;
import com.stripe.param.checkout.SessionCreateParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stand-in as stripe-java sees it: the calls the product makes, Stripe's answers, events, webhooks and faults. */
class StripeStandInTest {
    static final String SECRET = "whsec_stand_in_test";

    final StripeStandIn stripe = StripeStandIn.start();
    final List<Event> received = new CopyOnWriteArrayList<>();
    final StripeClient client = client(2_000, 2);

    StripeStandInTest() {
        // A webhook endpoint that verifies every delivery as production does (stripe-java, 300 s tolerance).
        stripe.webhooks().endpoint("verifying receiver", SECRET, (payload, signature) -> {
            received.add(Webhook.constructEvent(payload, signature, SECRET));
            return new Webhooks.Answer(200, "{\"received\":true}");
        });
    }

    @AfterEach
    void stop() {
        stripe.close();
    }

    // ------------------------------------------------------------------ Checkout

    @Test
    void aCheckoutSessionSavingTheCardIsPaidWithAPaymentIntentAChargeAndACustomerKeepingTheCard() throws Exception {
        // GIVEN a session created with stripe-java as the checkout function creates it, asking to keep the card
        Session created = client.v1().checkout().sessions().create(SessionCreateParams.builder()
                .setMode(SessionCreateParams.Mode.PAYMENT).setClientReferenceId("org_acme")
                .setSuccessUrl("https://app.example.com/ok?session={CHECKOUT_SESSION_ID}").setCancelUrl("https://app.example.com/no")
                .setCustomerCreation(SessionCreateParams.CustomerCreation.ALWAYS)
                .addLineItem(SessionCreateParams.LineItem.builder().setQuantity(10L)
                        .setPriceData(SessionCreateParams.LineItem.PriceData.builder().setCurrency("usd").setUnitAmount(2030L)
                                .setProductData(SessionCreateParams.LineItem.PriceData.ProductData.builder()
                                        .setName("Photoshoot credits").build()).build()).build())
                .putMetadata("org_id", "org_acme").putMetadata("credits", "10")
                .setPaymentIntentData(SessionCreateParams.PaymentIntentData.builder()
                        .setSetupFutureUsage(SessionCreateParams.PaymentIntentData.SetupFutureUsage.OFF_SESSION)
                        .putMetadata("org_id", "org_acme").build())
                .build());
        assertEquals("open", created.getStatus());
        assertEquals(20300L, created.getAmountTotal());
        assertEquals(stripe.apiBase() + "/checkout/" + created.getId(), created.getUrl());

        // WHEN the buyer pays with Stripe's test Visa
        stripe.payCheckoutSession(created.getId(), CheckoutPayment.visa().email("billing@acme.example"));

        // THEN the session is paid, with a succeeded PaymentIntent (its metadata from payment_intent_data) and charge
        Session paid = client.v1().checkout().sessions().retrieve(created.getId(),
                com.stripe.param.checkout.SessionRetrieveParams.builder().addExpand("payment_intent").build());
        assertEquals("complete", paid.getStatus());
        assertEquals("paid", paid.getPaymentStatus());
        assertEquals("billing@acme.example", paid.getCustomerDetails().getEmail());
        PaymentIntent pi = paid.getPaymentIntentObject();
        assertEquals("succeeded", pi.getStatus());
        assertEquals(20300L, pi.getAmountReceived());
        assertEquals("org_acme", pi.getMetadata().get("org_id"));
        assertEquals("succeeded", client.v1().charges().retrieve(pi.getLatestCharge()).getStatus());
        // AND the customer keeps the card, whose details read like Stripe's
        var cards = client.v1().customers().paymentMethods().list(paid.getCustomer()).getData();
        assertEquals(1, cards.size());
        assertEquals("visa", cards.getFirst().getCard().getBrand());
        assertEquals("4242", cards.getFirst().getCard().getLast4());
        assertEquals(cards.getFirst().getId(), pi.getPaymentMethod());
        // AND every change was delivered, signed, in Stripe's order
        assertEquals(List.of("customer.created", "payment_intent.created", "payment_method.attached", "charge.succeeded",
                "payment_intent.succeeded", "checkout.session.completed"), received.stream().map(Event::getType).toList());
        assertTrue(stripe.events().stream().allMatch(e -> e.path("pending_webhooks").asInt() == 0));
    }

    @Test
    void theHostedPageRedirectsToTheSuccessUrlWithTheSessionIdFilledIn() throws Exception {
        ObjectNode session = stripe.createCheckoutSession(sessionParams("https://app.example.com/ok?s={CHECKOUT_SESSION_ID}"));

        StripeStandIn.Served page = stripe.serveCheckoutPage("GET", session.path("id").asText(), new byte[0]);
        StripeStandIn.Served paid = stripe.serveCheckoutPage("POST", session.path("id").asText(),
                "email=a%40b.example&card=pm_card_mastercard".getBytes());

        assertEquals(200, page.status());
        assertTrue(new String(page.body()).contains("Pay 58.00 USD"), new String(page.body()));
        assertEquals(303, paid.status());
        assertEquals("https://app.example.com/ok?s=" + session.path("id").asText(), paid.headers().get("Location"));
        assertEquals("checkout.session.completed", received.getLast().getType());
    }

    @Test
    void aDelayedPaymentCompletesUnpaidThenSettles() {
        ObjectNode session = stripe.createCheckoutSession(sessionParams("https://app.example.com/ok"));

        stripe.payCheckoutSession(session.path("id").asText(), CheckoutPayment.visa().delayedPaymentMethod());
        assertEquals("unpaid", stripe.events("checkout.session.completed").getFirst().path("data").path("object")
                .path("payment_status").asText());
        stripe.settleAsyncPayment(session.path("id").asText(), true);

        ObjectNode settled = stripe.events("checkout.session.async_payment_succeeded").getFirst();
        assertEquals("paid", settled.path("data").path("object").path("payment_status").asText());
    }

    // ------------------------------------------------------------------ off-session PaymentIntents

    @Test
    void anOffSessionPaymentWithASavedVisaSucceeds() throws Exception {
        String customer = stripe.createCustomer(Map.of("email", "a@b.example")).path("id").asText();
        String card = stripe.attachPaymentMethod("pm_card_visa", customer).path("id").asText();

        PaymentIntent pi = client.v1().paymentIntents().create(offSession(customer, card, 5800));

        assertEquals("succeeded", pi.getStatus());
        assertEquals("auto", pi.getMetadata().get("kind"));
        assertEquals("payment_intent.succeeded", received.getLast().getType());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "pm_card_chargeDeclined, card_declined, generic_decline",
            "pm_card_chargeDeclinedInsufficientFunds, card_declined, insufficient_funds",
            "pm_card_chargeDeclinedFraudulent, card_declined, fraudulent",
            "pm_card_chargeDeclinedLostCard, card_declined, lost_card",
            "pm_card_chargeDeclinedStolenCard, card_declined, stolen_card",
            "pm_card_chargeDeclinedExpiredCard, expired_card, ",
            "pm_card_authenticationRequired, authentication_required, authentication_required"})
    void aDeclinedOffSessionPaymentIs402CarryingThePaymentIntentAsStripeAnswers(String token, String code,
                                                                                  String declineCode) throws Exception {
        // GIVEN a customer whose saved card is one of Stripe's declining test cards
        String customer = stripe.createCustomer(Map.of("email", "a@b.example")).path("id").asText();
        String card = stripe.attachPaymentMethod(token, customer).path("id").asText();

        // WHEN an off-session payment is confirmed with it
        CardException e = assertThrows(CardException.class,
                () -> client.v1().paymentIntents().create(offSession(customer, card, 5800)));

        // THEN stripe-java sees Stripe's card error: code, decline code, and the PaymentIntent awaiting another card
        assertEquals(402, e.getStatusCode());
        assertEquals(code, e.getCode());
        assertEquals(declineCode, e.getDeclineCode());
        PaymentIntent failed = e.getStripeError().getPaymentIntent();
        assertEquals("requires_payment_method", failed.getStatus());
        assertEquals(code, failed.getLastPaymentError().getCode());
        assertEquals("payment_intent.payment_failed", received.getLast().getType());
        // AND it can be looked up, and listed for the customer
        assertEquals("requires_payment_method", client.v1().paymentIntents().retrieve(failed.getId()).getStatus());
        assertEquals(List.of(failed.getId()), client.v1().paymentIntents().list(
                com.stripe.param.PaymentIntentListParams.builder().setCustomer(customer).build())
                .getData().stream().map(PaymentIntent::getId).toList());
    }

    @Test
    void onSessionAnAuthenticatingCardWaitsInRequiresAction() throws Exception {
        String customer = stripe.createCustomer(Map.of()).path("id").asText();
        String card = stripe.attachPaymentMethod("pm_card_authenticationRequired", customer).path("id").asText();

        PaymentIntent pi = client.v1().paymentIntents().create(PaymentIntentCreateParams.builder().setAmount(5800L)
                .setCurrency("usd").setCustomer(customer).setPaymentMethod(card).setConfirm(true).build());

        assertEquals("requires_action", pi.getStatus());
        assertNotNull(pi.getNextAction());
    }

    // ------------------------------------------------------------------ idempotency

    @Test
    void theSameIdempotencyKeyReplaysTheFirstAnswerAndOtherParametersAreRefused() throws Exception {
        String customer = stripe.createCustomer(Map.of()).path("id").asText();
        String card = stripe.attachPaymentMethod("pm_card_visa", customer).path("id").asText();
        RequestOptions key = RequestOptions.builder().setIdempotencyKey("topup-1").build();

        PaymentIntent first = client.v1().paymentIntents().create(offSession(customer, card, 5800), key);
        PaymentIntent again = client.v1().paymentIntents().create(offSession(customer, card, 5800), key);
        IdempotencyException other = assertThrows(IdempotencyException.class,
                () -> client.v1().paymentIntents().create(offSession(customer, card, 9900), key));

        assertEquals(first.getId(), again.getId());
        assertEquals("true", again.getLastResponse().headers().firstValue("Idempotent-Replayed").orElse(""));
        assertEquals(400, other.getStatusCode());
        assertEquals(1, stripe.objects("payment_intent").size());
    }

    @Test
    void aPaymentMadeButNeverAnsweredIsFoundByRetryingWithItsKey() throws Exception {
        // GIVEN Stripe charges the card but the answer never reaches a client that does not retry by itself
        String customer = stripe.createCustomer(Map.of()).path("id").asText();
        String card = stripe.attachPaymentMethod("pm_card_visa", customer).path("id").asText();
        stripe.faults().next(1, "POST /v1/payment_intents", Faults.timeoutAfterPerforming());
        StripeClient impatient = client(300, 0);
        RequestOptions key = RequestOptions.builder().setIdempotencyKey("topup-2").build();

        // WHEN it times out, then retries later with the same key
        assertThrows(ApiConnectionException.class, () -> impatient.v1().paymentIntents().create(offSession(customer, card, 5800), key));
        PaymentIntent retried = impatient.v1().paymentIntents().create(offSession(customer, card, 5800), key);

        // THEN the retry answers the payment that was made, and there is exactly one
        assertEquals("succeeded", retried.getStatus());
        assertEquals(1, stripe.objects("payment_intent").size());
        assertEquals(retried.getId(), stripe.objects("payment_intent").getFirst().path("id").asText());
        assertEquals(2, stripe.requestCount("POST /v1/payment_intents"));
    }

    // ------------------------------------------------------------------ faults

    @Test
    void serverErrorsAreRetriedByStripeJavaWithTheSameKeyAndRateLimitsAreNot() throws Exception {
        stripe.faults().next(2, "POST /v1/customers", Faults.serverError());
        var customer = client.v1().customers().create(com.stripe.param.CustomerCreateParams.builder().build());
        List<Received> attempts = stripe.requests().stream().filter(r -> r.endpoint().equals("POST /v1/customers")).toList();
        assertEquals(3, attempts.size());
        assertEquals(1, attempts.stream().map(r -> r.header("Idempotency-Key")).distinct().count());
        assertNotNull(customer.getId());

        stripe.faults().next(1, Faults.rateLimited());
        RateLimitException limited = assertThrows(RateLimitException.class, () -> client.v1().customers().retrieve(customer.getId()));
        assertEquals("rate_limit", limited.getCode());

        stripe.faults().always("POST /v1/customers", Faults.serverError());
        assertThrows(ApiException.class, () -> client.v1().customers().create(com.stripe.param.CustomerCreateParams.builder().build()));
        assertEquals(1, stripe.objects("customer").size());
    }

    @Test
    void aDroppedConnectionDoesNothing() {
        // (the JDK's HttpURLConnection under stripe-java silently resends a POST whose connection dropped: every try drops)
        stripe.faults().always("POST /v1/customers", Faults.disconnectBeforePerforming());
        StripeClient once = client(2_000, 0);

        assertThrows(ApiConnectionException.class, () -> once.v1().customers().create(
                com.stripe.param.CustomerCreateParams.builder().build()));

        assertEquals(List.of(), stripe.objects("customer"));
        assertTrue(stripe.faults().injected() >= 1);
    }

    // ------------------------------------------------------------------ errors

    @Test
    void requestsStripeWouldRefuseGetStripesErrors() {
        InvalidRequestException unknown = assertThrows(InvalidRequestException.class, () -> client.v1().paymentIntents()
                .create(PaymentIntentCreateParams.builder().setAmount(5800L).setCurrency("usd")
                        .putExtraParam("colour", "blue").build()));
        assertEquals("parameter_unknown", unknown.getCode());
        assertEquals("colour", unknown.getParam());

        InvalidRequestException tooSmall = assertThrows(InvalidRequestException.class, () -> client.v1().paymentIntents()
                .create(PaymentIntentCreateParams.builder().setAmount(10L).setCurrency("usd").build()));
        assertEquals("amount_too_small", tooSmall.getCode());

        InvalidRequestException missing = assertThrows(InvalidRequestException.class,
                () -> client.v1().paymentIntents().retrieve("pi_nope"));
        assertEquals(404, missing.getStatusCode());
        assertEquals("resource_missing", missing.getCode());

        AuthenticationException badKey = assertThrows(AuthenticationException.class, () -> StripeClient.builder()
                .setApiKey("sk_live_nope").setApiBase(stripe.apiBase()).build().v1().customers().retrieve("cus_x"));
        assertEquals(401, badKey.getStatusCode());
    }

    // ------------------------------------------------------------------ events and webhooks

    @Test
    void eventsAreListedNewestFirstWithStripesFiltersAndCursors() throws Exception {
        // GIVEN two purchases, one refunded, one disputed and won, and a failed refund
        ObjectNode a = paidSession();
        ObjectNode b = paidSession();
        String chargeA = charge(a);
        String chargeB = charge(b);
        ObjectNode refund = stripe.refund(chargeA, 1000);
        stripe.failRefund(refund.path("id").asText(), "expired_or_canceled_card");
        ObjectNode dispute = stripe.openDispute(chargeB);
        stripe.closeDispute(dispute.path("id").asText(), true);

        // WHEN they are listed as the reconciliation lists them
        List<String> types = new ArrayList<>();
        for (Event e : client.v1().events().list(EventListParams.builder().addType("checkout.session.completed")
                .addType("charge.refunded").addType("charge.refund.updated").addType("charge.dispute.created")
                .addType("charge.dispute.closed").setLimit(2L).build()).autoPagingIterable()) {
            types.add(e.getType());
        }

        // THEN newest first, page by page
        assertEquals(List.of("charge.dispute.closed", "charge.dispute.created", "charge.refund.updated", "charge.refunded",
                "checkout.session.completed", "checkout.session.completed"), types);
        // AND the shapes the webhook reads are Stripe's
        JsonNode refunded = stripe.events("charge.refunded").getFirst().path("data");
        assertEquals(1000, refunded.path("object").path("amount_refunded").asLong());
        assertEquals(0, refunded.path("previous_attributes").path("amount_refunded").asLong());
        assertEquals("failed", stripe.events("charge.refund.updated").getFirst().path("data").path("object").path("status").asText());
        assertEquals("won", stripe.events("charge.dispute.closed").getFirst().path("data").path("object").path("status").asText());
        assertEquals(a.path("payment_intent").asText(),
                stripe.events("charge.refunded").getFirst().path("data").path("object").path("payment_intent").asText());
        // AND a wildcard type, ending_before and a created range select like Stripe
        StripeCollection<Event> disputes = client.v1().events().list(EventListParams.builder().setType("charge.dispute.*").build());
        assertEquals(2, disputes.getData().size());
        String newest = disputes.getData().getFirst().getId();
        String older = disputes.getData().getLast().getId();
        assertEquals(List.of(newest), client.v1().events().list(EventListParams.builder().setType("charge.dispute.*")
                .setEndingBefore(older).build()).getData().stream().map(Event::getId).toList());
        long created = disputes.getData().getFirst().getCreated();
        assertEquals(0, client.v1().events().list(EventListParams.builder()
                .setCreated(EventListParams.Created.builder().setGt(created).build()).build()).getData().size());
    }

    @Test
    void eventsOfAPaymentWithoutWebhooksAreRecordedButNeverSent() throws Exception {
        ObjectNode session = stripe.createCheckoutSession(sessionParams("https://app.example.com/ok"));

        stripe.payCheckoutSession(session.path("id").asText(), CheckoutPayment.visa().withoutWebhooks());

        assertEquals(List.of(), received);
        assertEquals(List.of(), stripe.webhooks().pending());
        Event completed = client.v1().events().list(EventListParams.builder().setType("checkout.session.completed")
                .setDeliverySuccess(false).build()).getData().getFirst();
        assertEquals(session.path("id").asText(), ((Session) completed.getDataObjectDeserializer().deserializeUnsafe()).getId());
        assertEquals(1L, completed.getPendingWebhooks());
        assertEquals(0, client.v1().events().list(EventListParams.builder().setDeliverySuccess(true).build()).getData().size());
    }

    @Test
    void heldEventsAreDeliveredWhenATestSaysInAnyOrderAndAsOftenAsItLikes() {
        stripe.webhooks().delivery(Webhooks.Delivery.HELD);
        ObjectNode session = paidSession();
        List<String> pending = stripe.webhooks().pending();
        assertEquals(List.of(), received);

        String completed = stripe.events("checkout.session.completed").getFirst().path("id").asText();
        stripe.webhooks().deliver(completed);
        stripe.webhooks().deliver(completed);
        stripe.webhooks().deliverPending();

        assertEquals(pending.size() + 1, received.size());
        assertEquals(List.of(completed, completed), received.subList(0, 2).stream().map(Event::getId).toList());
        assertFalse(stripe.webhooks().attempts(completed).isEmpty());
        assertEquals("complete", stripe.object(session.path("id").asText()).orElseThrow().path("status").asText());
    }

    @Test
    void eventsOlderThanThirtyDaysAreGoneAsAtStripe() {
        Instant[] now = {Instant.parse("2026-11-01T00:00:00Z")};
        Clock clock = new Clock() {
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            public Instant instant() {
                return now[0];
            }
        };
        try (StripeStandIn old = StripeStandIn.start(clock)) {
            old.createCustomer(Map.of());
            now[0] = now[0].plus(java.time.Duration.ofDays(31));
            assertEquals(List.of(), old.events());
        }
    }

    // ------------------------------------------------------------------ helpers

    private StripeClient client(int readTimeoutMillis, int retries) {
        return StripeClient.builder().setApiKey(StripeStandIn.TEST_API_KEY).setApiBase(stripe.apiBase())
                .setConnectTimeout(2_000).setReadTimeout(readTimeoutMillis).setMaxNetworkRetries(retries).build();
    }

    private static PaymentIntentCreateParams offSession(String customer, String card, long amount) {
        return PaymentIntentCreateParams.builder().setAmount(amount).setCurrency("usd").setCustomer(customer)
                .setPaymentMethod(card).setConfirm(true).setOffSession(true).putMetadata("kind", "auto").build();
    }

    private static Map<String, String> sessionParams(String successUrl) {
        return Map.of("mode", "payment", "success_url", successUrl, "cancel_url", "https://app.example.com/no",
                "client_reference_id", "org_acme",
                "line_items[0][quantity]", "2", "line_items[0][price_data][currency]", "usd",
                "line_items[0][price_data][unit_amount]", "2900",
                "line_items[0][price_data][product_data][name]", "Photoshoot credits");
    }

    private ObjectNode paidSession() {
        ObjectNode session = stripe.createCheckoutSession(sessionParams("https://app.example.com/ok"));
        return stripe.payCheckoutSession(session.path("id").asText(), CheckoutPayment.visa());
    }

    private String charge(ObjectNode session) {
        return stripe.object(session.path("payment_intent").asText()).orElseThrow().path("latest_charge").asText();
    }
}
