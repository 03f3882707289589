package app.credits.testkit.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A Stripe account in test mode: its objects (Customers, PaymentMethods, Checkout Sessions, PaymentIntents, Charges,
 * Refunds, Disputes) in Stripe's shapes, and the operations that change them, each recording Stripe's events.
 * Operations take the parsed parameters of the REST call they implement, so a test's direct call and stripe-java's
 * request go through the same checks. One lock: state changes are serialized, reads see whole changes.
 */
final class StripeAccount {
    static final long MINIMUM_AMOUNT = 50;

    private static final Set<String> CUSTOMER_CREATE = Set.of("email", "name", "description", "phone", "metadata",
            "payment_method", "invoice_settings", "expand");
    private static final Set<String> CUSTOMER_UPDATE = Set.of("email", "name", "description", "phone", "metadata",
            "invoice_settings", "expand");
    private static final Set<String> PAYMENT_INTENT_CREATE = Set.of("amount", "currency", "customer", "payment_method",
            "payment_method_types", "automatic_payment_methods", "confirm", "off_session", "metadata", "description",
            "receipt_email", "setup_future_usage", "error_on_requires_action", "return_url", "statement_descriptor_suffix",
            "capture_method", "expand");
    private static final Set<String> PAYMENT_INTENT_CONFIRM = Set.of("payment_method", "off_session", "return_url",
            "error_on_requires_action", "expand");
    private static final Set<String> SESSION_CREATE = Set.of("mode", "line_items", "client_reference_id", "customer",
            "customer_email", "customer_creation", "metadata", "payment_intent_data", "success_url", "cancel_url",
            "expires_at", "payment_method_types", "locale", "submit_type", "ui_mode", "expand");
    private static final Set<String> PAYMENT_INTENT_DATA = Set.of("setup_future_usage", "metadata", "description",
            "receipt_email", "statement_descriptor_suffix");
    private static final Set<String> REFUND_CREATE = Set.of("charge", "payment_intent", "amount", "reason", "metadata",
            "expand");

    /** What a Checkout Session keeps that its object does not show: the line items and payment_intent_data. */
    private record SessionExtras(ArrayNode lineItems, Optional<String> setupFutureUsage, ObjectNode paymentMetadata,
                                 Optional<String> paymentDescription) {
    }

    private final Clock clock;
    private final EventLog events;
    private final String checkoutPageBase;
    private final Map<String, ObjectNode> objects = new LinkedHashMap<>();
    private final Map<String, Long> sequence = new HashMap<>();
    private final Map<String, TestCards.Card> cards = new HashMap<>();
    private final Map<String, SessionExtras> sessionExtras = new HashMap<>();
    private long nextSequence;

    StripeAccount(Clock clock, EventLog events, String checkoutPageBase) {
        this.clock = clock;
        this.events = events;
        this.checkoutPageBase = checkoutPageBase;
    }

    // ------------------------------------------------------------------ reading

    /** A copy of any object by ID. */
    synchronized Optional<ObjectNode> find(String id) {
        return Optional.ofNullable(objects.get(id)).map(ObjectNode::deepCopy);
    }

    synchronized ObjectNode get(String id, String kind, String what, String param) {
        ObjectNode o = objects.get(id);
        if (o == null || !kind.equals(o.path("object").asText())) {
            throw StripeError.noSuch(what, id, param);
        }
        return o.deepCopy();
    }

    /** Copies of every object of a kind ({@code "payment_intent"}) that {@code filter} keeps, newest first. */
    synchronized List<ObjectNode> all(String kind, Predicate<ObjectNode> filter) {
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode o : objects.values()) {
            if (kind.equals(o.path("object").asText()) && filter.test(o)) {
                out.addFirst(o.deepCopy());
            }
        }
        return out;
    }

    /** A list endpoint: objects of {@code kind} matching {@code filter} and {@code created}, paged. */
    ObjectNode list(String kind, Predicate<ObjectNode> filter, Params params, String url) {
        java.util.function.LongPredicate created = Lists.createdFilter(params);
        List<ObjectNode> matching = all(kind, filter.and(o -> created.test(o.path("created").asLong())));
        return Lists.page(matching, params, url, this::sequenceOf, kind.replace('_', ' '));
    }

    synchronized long sequenceOf(String id) {
        return sequence.getOrDefault(id, -1L);
    }

    /** The line items of a Checkout Session (for the hosted page and {@code expand[]=line_items}). */
    synchronized ArrayNode lineItems(String sessionId) {
        SessionExtras extras = sessionExtras.get(sessionId);
        return extras == null ? StripeJson.array() : extras.lineItems().deepCopy();
    }

    synchronized void clear() {
        objects.clear();
        sequence.clear();
        cards.clear();
        sessionExtras.clear();
    }

    // ------------------------------------------------------------------ customers

    synchronized ObjectNode createCustomer(Params p, Origin origin) {
        p.allowOnly(CUSTOMER_CREATE);
        ObjectNode customer = StripeJson.object();
        customer.put("id", StripeJson.id("cus_", 14));
        customer.put("object", "customer");
        customer.putNull("address");
        customer.put("balance", 0);
        customer.put("created", now());
        customer.putNull("currency");
        customer.putNull("default_source");
        customer.put("delinquent", false);
        customer.put("description", p.string("description").orElse(null));
        customer.putNull("discount");
        customer.put("email", p.string("email").orElse(null));
        customer.put("invoice_prefix", StripeJson.id("", 8).toUpperCase());
        ObjectNode invoiceSettings = customer.putObject("invoice_settings");
        invoiceSettings.putNull("custom_fields");
        invoiceSettings.putNull("default_payment_method");
        invoiceSettings.putNull("footer");
        invoiceSettings.putNull("rendering_options");
        customer.put("livemode", false);
        customer.set("metadata", p.metadata("metadata"));
        customer.put("name", p.string("name").orElse(null));
        customer.put("next_invoice_sequence", 1);
        customer.put("phone", p.string("phone").orElse(null));
        customer.putArray("preferred_locales");
        customer.putNull("shipping");
        customer.put("tax_exempt", "none");
        customer.putNull("test_clock");
        Optional<String> paymentMethod = p.string("payment_method");
        store(customer);
        record("customer.created", customer, null, origin);
        if (paymentMethod.isPresent()) {
            attach(paymentMethod.get(), customer.path("id").asText(), "payment_method", origin);
        }
        setDefaultPaymentMethod(customer, p.child("invoice_settings"), origin);
        return objects.get(customer.path("id").asText()).deepCopy();
    }

    synchronized ObjectNode updateCustomer(String id, Params p, Origin origin) {
        p.allowOnly(CUSTOMER_UPDATE);
        ObjectNode customer = mutable(id, "customer", "customer", "id");
        ObjectNode previous = StripeJson.object();
        for (String field : List.of("email", "name", "description", "phone")) {
            if (p.has(field)) {
                previous.set(field, customer.path(field).deepCopy());
                customer.put(field, p.string(field).orElse(null));
            }
        }
        if (p.has("metadata")) {
            previous.set("metadata", customer.path("metadata").deepCopy());
            mergeMetadata((ObjectNode) customer.path("metadata"), p);
        }
        if (p.has("invoice_settings")) {
            previous.set("invoice_settings", customer.path("invoice_settings").deepCopy());
        }
        setDefaultPaymentMethod(customer, p.child("invoice_settings"), null);
        record("customer.updated", customer, previous, origin);
        return customer.deepCopy();
    }

    private void setDefaultPaymentMethod(ObjectNode customer, Params invoiceSettings, Origin origin) {
        invoiceSettings.allowOnly(Set.of("default_payment_method", "custom_fields", "footer", "rendering_options"));
        Optional<String> pm = invoiceSettings.string("default_payment_method");
        if (pm.isPresent()) {
            ObjectNode method = mutable(pm.get(), "payment_method", "PaymentMethod",
                    invoiceSettings.name("default_payment_method"));
            if (!customer.path("id").asText().equals(method.path("customer").asText())) {
                throw StripeError.invalid(invoiceSettings.name("default_payment_method"), null,
                        "The customer does not have a payment method with the ID " + pm.get()
                                + ". The payment method must be attached to the customer.");
            }
            ((ObjectNode) customer.path("invoice_settings")).put("default_payment_method", pm.get());
        }
    }

    // ------------------------------------------------------------------ payment methods

    /** A saved PaymentMethod by ID, or a new one from one of Stripe's test tokens ({@code pm_card_visa}). */
    private ObjectNode paymentMethod(String idOrToken, String param, String email) {
        ObjectNode existing = objects.get(idOrToken);
        if (existing != null && "payment_method".equals(existing.path("object").asText())) {
            return existing;
        }
        TestCards.Card card = TestCards.byToken(idOrToken).orElseThrow(() -> StripeError.noSuch("PaymentMethod", idOrToken, param));
        ObjectNode pm = StripeJson.object();
        pm.put("id", StripeJson.id("pm_1", 23));
        pm.put("object", "payment_method");
        pm.put("allow_redisplay", "unspecified");
        ObjectNode billing = pm.putObject("billing_details");
        ObjectNode address = billing.putObject("address");
        for (String field : List.of("city", "country", "line1", "line2", "postal_code", "state")) {
            address.putNull(field);
        }
        billing.put("email", email);
        billing.putNull("name");
        billing.putNull("phone");
        billing.putNull("tax_id");
        ObjectNode c = pm.putObject("card");
        c.put("brand", card.brand());
        ObjectNode checks = c.putObject("checks");
        checks.putNull("address_line1_check");
        checks.putNull("address_postal_code_check");
        checks.put("cvc_check", "pass");
        c.put("country", "US");
        c.put("display_brand", card.brand());
        var today = clock.instant().atZone(ZoneOffset.UTC);
        c.put("exp_month", today.getMonthValue());
        c.put("exp_year", today.getYear() + 1);
        c.put("fingerprint", StripeJson.id("", 16));
        c.put("funding", card.funding());
        c.putNull("generated_from");
        c.put("last4", card.last4());
        ObjectNode networks = c.putObject("networks");
        networks.putArray("available").add(card.brand());
        networks.putNull("preferred");
        c.put("regulated_status", "unregulated");
        c.putObject("three_d_secure_usage").put("supported", true);
        c.putNull("wallet");
        pm.put("created", now());
        pm.putNull("customer");
        pm.put("livemode", false);
        pm.putObject("metadata");
        pm.put("type", "card");
        store(pm);
        cards.put(pm.path("id").asText(), card);
        return pm;
    }

    synchronized ObjectNode attach(String idOrToken, String customerId, String param, Origin origin) {
        ObjectNode customer = mutable(customerId, "customer", "customer", "customer");
        ObjectNode pm = paymentMethod(idOrToken, param, customer.path("email").asText(null));
        String attachedTo = pm.path("customer").asText(null);
        if (attachedTo != null) {
            if (attachedTo.equals(customerId)) {
                return pm.deepCopy();
            }
            throw StripeError.invalid(param, null, "The payment method you provided has already been attached to a customer.");
        }
        pm.put("customer", customerId);
        record("payment_method.attached", pm, null, origin);
        return pm.deepCopy();
    }

    synchronized ObjectNode detach(String id, Origin origin) {
        ObjectNode pm = mutable(id, "payment_method", "PaymentMethod", "payment_method");
        if (pm.path("customer").isNull()) {
            throw StripeError.invalid("payment_method", null, "The payment method " + id
                    + " is not attached to a customer so detachment is impossible.");
        }
        ObjectNode previous = StripeJson.object().put("customer", pm.path("customer").asText());
        pm.putNull("customer");
        record("payment_method.detached", pm, previous, origin);
        return pm.deepCopy();
    }

    synchronized TestCards.Card cardOf(String paymentMethodId) {
        return cards.get(paymentMethodId);
    }

    // ------------------------------------------------------------------ payment intents

    synchronized ObjectNode createPaymentIntent(Params p, Origin origin) {
        p.allowOnly(PAYMENT_INTENT_CREATE);
        long amount = p.requiredInteger("amount");
        String currency = currency(p, "currency");
        if (amount < MINIMUM_AMOUNT) {
            throw StripeError.invalid("amount", "amount_too_small", "Amount must be at least "
                    + MINIMUM_AMOUNT + " " + currency + " minor units");
        }
        if (p.oneOf("capture_method", Set.of("automatic", "automatic_async", "manual")).filter("manual"::equals).isPresent()) {
            throw StripeError.unsupported("capture_method", "capture_method=manual");
        }
        Optional<String> customerId = p.string("customer");
        customerId.ifPresent(id -> mutable(id, "customer", "customer", "customer"));
        boolean confirm = p.bool("confirm");
        boolean offSession = p.bool("off_session");
        if (offSession && !confirm) {
            throw StripeError.invalid("off_session", null, "off_session can only be used when confirm=true.");
        }
        ObjectNode pi = newPaymentIntent(amount, currency, customerId.orElse(null), p.metadata("metadata"),
                p.string("description").orElse(null), p.oneOf("setup_future_usage", Set.of("on_session", "off_session")));
        pi.put("receipt_email", p.string("receipt_email").orElse(null));
        pi.put("statement_descriptor_suffix", p.string("statement_descriptor_suffix").orElse(null));
        Optional<String> pm = p.string("payment_method");
        if (pm.isPresent()) {
            pi.put("payment_method", paymentMethod(pm.get(), "payment_method", null).path("id").asText());
            pi.put("status", "requires_confirmation");
        }
        store(pi);
        record("payment_intent.created", pi, null, origin);
        if (confirm) {
            return confirm(pi, offSession, origin);
        }
        return pi.deepCopy();
    }

    synchronized ObjectNode confirmPaymentIntent(String id, Params p, Origin origin) {
        p.allowOnly(PAYMENT_INTENT_CONFIRM);
        ObjectNode pi = mutable(id, "payment_intent", "payment_intent", "intent");
        String status = pi.path("status").asText();
        if (!Set.of("requires_payment_method", "requires_confirmation", "requires_action").contains(status)) {
            throw StripeError.invalid(null, "payment_intent_unexpected_state", "This PaymentIntent's status is " + status
                    + ", but it must be one of requires_payment_method, requires_confirmation or requires_action to be confirmed.");
        }
        p.string("payment_method").ifPresent(pm ->
                pi.put("payment_method", paymentMethod(pm, "payment_method", null).path("id").asText()));
        return confirm(pi, p.bool("off_session"), origin);
    }

    private ObjectNode newPaymentIntent(long amount, String currency, String customer, ObjectNode metadata,
                                        String description, Optional<String> setupFutureUsage) {
        ObjectNode pi = StripeJson.object();
        String id = StripeJson.id("pi_3", 23);
        pi.put("id", id);
        pi.put("object", "payment_intent");
        pi.put("amount", amount);
        pi.put("amount_capturable", 0);
        pi.putObject("amount_details").putObject("tip");
        pi.put("amount_received", 0);
        pi.putNull("application");
        pi.putNull("application_fee_amount");
        pi.putNull("automatic_payment_methods");
        pi.putNull("canceled_at");
        pi.putNull("cancellation_reason");
        pi.put("capture_method", "automatic");
        pi.put("client_secret", id + "_secret_" + StripeJson.id("", 25));
        pi.put("confirmation_method", "automatic");
        pi.put("created", now());
        pi.put("currency", currency);
        pi.put("customer", customer);
        pi.put("description", description);
        pi.putNull("last_payment_error");
        pi.putNull("latest_charge");
        pi.put("livemode", false);
        pi.set("metadata", metadata);
        pi.putNull("next_action");
        pi.putNull("on_behalf_of");
        pi.putNull("payment_method");
        pi.putNull("payment_method_configuration_details");
        pi.putObject("payment_method_options").putObject("card").put("request_three_d_secure", "automatic");
        pi.putArray("payment_method_types").add("card");
        pi.putNull("processing");
        pi.putNull("receipt_email");
        pi.putNull("review");
        pi.put("setup_future_usage", setupFutureUsage.orElse(null));
        pi.putNull("shipping");
        pi.putNull("source");
        pi.putNull("statement_descriptor");
        pi.putNull("statement_descriptor_suffix");
        pi.put("status", "requires_payment_method");
        pi.putNull("transfer_data");
        pi.putNull("transfer_group");
        return pi;
    }

    /**
     * Charges the PaymentIntent's card. A decline is a 402 {@code card_error} carrying the PaymentIntent (back in
     * {@code requires_payment_method}, with {@code last_payment_error}) and the failed charge, as Stripe answers. A card
     * that wants 3D Secure fails off-session with {@code authentication_required}; on-session it waits in
     * {@code requires_action}.
     */
    private ObjectNode confirm(ObjectNode pi, boolean offSession, Origin origin) {
        if (pi.path("payment_method").isNull()) {
            throw StripeError.invalid("payment_method", "payment_intent_unexpected_state",
                    "You cannot confirm this PaymentIntent because it's missing a payment method.");
        }
        ObjectNode pm = objects.get(pi.path("payment_method").asText());
        String owner = pm.path("customer").asText(null);
        if (owner != null && !owner.equals(pi.path("customer").asText(null))) {
            throw StripeError.invalid("payment_method", null, "The provided PaymentMethod belongs to customer " + owner
                    + "; pass customer=" + owner + " to use it.");
        }
        TestCards.Card card = cards.get(pm.path("id").asText());
        switch (card.behaviour()) {
            case TestCards.Succeeds ignored -> {
                succeed(pi, pm, origin);
                return pi.deepCopy();
            }
            case TestCards.Declines(String code, String declineCode, String message) ->
                    throw decline(pi, pm, code, declineCode, message, origin);
            case TestCards.RequiresAuthentication ignored -> {
                if (offSession) {
                    throw decline(pi, pm, "authentication_required", "authentication_required",
                            "Your card was declined. This transaction requires authentication.", origin);
                }
                pi.put("status", "requires_action");
                ObjectNode next = pi.putObject("next_action");
                next.put("type", "use_stripe_sdk");
                next.putObject("use_stripe_sdk").put("type", "three_d_secure_redirect")
                        .put("stripe_js", "https://hooks.stripe.com/3d_secure_2/hosted?payment_intent=" + pi.path("id").asText());
                record("payment_intent.requires_action", pi, null, origin);
                return pi.deepCopy();
            }
        }
    }

    private void succeed(ObjectNode pi, ObjectNode pm, Origin origin) {
        ObjectNode charge = newCharge(pi, pm, null);
        store(charge);
        pi.put("status", "succeeded");
        pi.put("amount_received", pi.path("amount").asLong());
        pi.put("latest_charge", charge.path("id").asText());
        pi.putNull("last_payment_error");
        pi.putNull("next_action");
        String customer = pi.path("customer").asText(null);
        if (!pi.path("setup_future_usage").isNull() && customer != null && pm.path("customer").isNull()) {
            pm.put("customer", customer);
            record("payment_method.attached", pm, null, origin);
        }
        record("charge.succeeded", charge, null, origin);
        record("payment_intent.succeeded", pi, null, origin);
    }

    private StripeError decline(ObjectNode pi, ObjectNode pm, String code, String declineCode, String message,
                                Origin origin) {
        ObjectNode charge = newCharge(pi, pm, new String[] {code, declineCode, message});
        store(charge);
        StripeError error = StripeError.card(code, declineCode, message, charge.path("id").asText(), null, pm);
        pi.put("status", "requires_payment_method");
        pi.put("latest_charge", charge.path("id").asText());
        pi.set("last_payment_error", error.asLastPaymentError());
        pi.putNull("next_action");
        record("charge.failed", charge, null, origin);
        record("payment_intent.payment_failed", pi, null, origin);
        return StripeError.card(code, declineCode, message, charge.path("id").asText(), pi.deepCopy(), pm.deepCopy());
    }

    /** A charge of the PaymentIntent's amount; {@code failure} is {code, decline code, message} for a declined one. */
    private ObjectNode newCharge(ObjectNode pi, ObjectNode pm, String[] failure) {
        boolean paid = failure == null;
        long amount = pi.path("amount").asLong();
        ObjectNode charge = StripeJson.object();
        String id = StripeJson.id("ch_3", 23);
        charge.put("id", id);
        charge.put("object", "charge");
        charge.put("amount", amount);
        charge.put("amount_captured", paid ? amount : 0);
        charge.put("amount_refunded", 0);
        charge.putNull("application");
        charge.putNull("application_fee");
        charge.putNull("application_fee_amount");
        charge.put("balance_transaction", paid ? StripeJson.id("txn_3", 23) : null);
        charge.set("billing_details", pm.path("billing_details").deepCopy());
        charge.put("calculated_statement_descriptor", "Stripe");
        charge.put("captured", paid);
        charge.put("created", now());
        charge.put("currency", pi.path("currency").asText());
        charge.put("customer", pi.path("customer").asText(null));
        charge.put("description", pi.path("description").asText(null));
        charge.put("disputed", false);
        charge.putNull("failure_balance_transaction");
        charge.put("failure_code", paid ? null : failure[0]);
        charge.put("failure_message", paid ? null : failure[2]);
        charge.putObject("fraud_details");
        charge.put("livemode", false);
        charge.set("metadata", pi.path("metadata").deepCopy());
        charge.putNull("on_behalf_of");
        ObjectNode outcome = charge.putObject("outcome");
        outcome.putNull("advice_code");
        outcome.putNull("network_advice_code");
        outcome.putNull("network_decline_code");
        boolean fraud = !paid && "fraudulent".equals(failure[1]);
        outcome.put("network_status", paid ? "approved_by_network" : fraud ? "not_sent_to_network" : "declined_by_network");
        outcome.put("reason", paid ? null : failure[1] != null ? failure[1] : failure[0]);
        outcome.put("risk_level", fraud ? "highest" : "normal");
        outcome.put("risk_score", fraud ? 95 : 20);
        outcome.put("seller_message", paid ? "Payment complete." : fraud ? "Stripe blocked this payment as too risky."
                : "The bank did not return any further details with this decline.");
        outcome.put("type", paid ? "authorized" : fraud ? "blocked" : "issuer_declined");
        charge.put("paid", paid);
        charge.put("payment_intent", pi.path("id").asText());
        charge.put("payment_method", pm.path("id").asText());
        ObjectNode details = charge.putObject("payment_method_details");
        ObjectNode card = details.putObject("card");
        JsonNode pmCard = pm.path("card");
        card.put("amount_authorized", paid ? amount : null);
        for (String field : List.of("brand", "country", "exp_month", "exp_year", "fingerprint", "funding", "last4")) {
            card.set(field, pmCard.path(field).deepCopy());
        }
        card.set("checks", pmCard.path("checks").deepCopy());
        card.put("network", pmCard.path("brand").asText());
        card.putNull("three_d_secure");
        card.putNull("wallet");
        details.put("type", "card");
        charge.putNull("receipt_email");
        charge.putNull("receipt_number");
        charge.put("receipt_url", "https://pay.stripe.com/receipts/payment/" + StripeJson.id("", 40));
        charge.put("refunded", false);
        charge.putNull("review");
        charge.putNull("shipping");
        charge.putNull("source_transfer");
        charge.putNull("statement_descriptor");
        charge.putNull("statement_descriptor_suffix");
        charge.put("status", paid ? "succeeded" : "failed");
        charge.putNull("transfer_data");
        charge.putNull("transfer_group");
        return charge;
    }

    // ------------------------------------------------------------------ checkout sessions

    synchronized ObjectNode createCheckoutSession(Params p, Origin origin) {
        p.allowOnly(SESSION_CREATE);
        String mode = p.oneOf("mode", Set.of("payment", "setup", "subscription")).orElseThrow(() -> StripeError.missing("mode"));
        if (!mode.equals("payment")) {
            throw StripeError.unsupported("mode", "mode=" + mode + " (only payment)");
        }
        p.oneOf("ui_mode", Set.of("hosted", "embedded", "custom")).filter(m -> !m.equals("hosted"))
                .ifPresent(m -> {
                    throw StripeError.unsupported("ui_mode", "ui_mode=" + m + " (only hosted)");
                });
        Optional<String> customer = p.string("customer");
        Optional<String> customerEmail = p.string("customer_email");
        Optional<String> customerCreation = p.oneOf("customer_creation", Set.of("always", "if_required"));
        if (customer.isPresent() && customerEmail.isPresent()) {
            throw StripeError.invalid("customer_email", null, "You may only specify one of these parameters: customer, customer_email.");
        }
        if (customer.isPresent() && customerCreation.isPresent()) {
            throw StripeError.invalid("customer_creation", null, "You may only specify one of these parameters: customer, customer_creation.");
        }
        customer.ifPresent(id -> mutable(id, "customer", "customer", "customer"));
        List<Params> items = p.children("line_items");
        if (items.isEmpty()) {
            throw StripeError.invalid("line_items", null, "line_items is required in payment mode.");
        }
        ArrayNode lineItems = StripeJson.array();
        String currency = null;
        long total = 0;
        for (Params item : items) {
            item.allowOnly(Set.of("price_data", "quantity", "price"));
            if (item.has("price")) {
                throw StripeError.unsupported(item.name("price"), "Prices by ID (use price_data)");
            }
            long quantity = item.requiredInteger("quantity");
            if (quantity < 1) {
                throw StripeError.invalid(item.name("quantity"), null, "Quantity must be at least 1.");
            }
            Params price = item.child("price_data");
            price.allowOnly(Set.of("currency", "unit_amount", "product_data", "unit_amount_decimal", "tax_behavior"));
            String itemCurrency = currency(price, "currency");
            if (currency != null && !currency.equals(itemCurrency)) {
                throw StripeError.invalid(price.name("currency"), null, "All line items must use the same currency.");
            }
            currency = itemCurrency;
            long unitAmount = price.requiredInteger("unit_amount");
            if (unitAmount < 0) {
                throw StripeError.invalid(price.name("unit_amount"), null, "unit_amount must be at least 0.");
            }
            Params product = price.child("product_data");
            product.allowOnly(Set.of("name", "description", "metadata", "images"));
            String name = product.required("name");
            total = Math.addExact(total, Math.multiplyExact(quantity, unitAmount));
            ObjectNode line = lineItems.addObject();
            line.put("id", StripeJson.id("li_1", 23));
            line.put("object", "item");
            line.put("amount_discount", 0);
            line.put("amount_subtotal", quantity * unitAmount);
            line.put("amount_tax", 0);
            line.put("amount_total", quantity * unitAmount);
            line.put("currency", itemCurrency);
            line.put("description", name);
            ObjectNode priceObject = line.putObject("price");
            priceObject.put("id", StripeJson.id("price_1", 23));
            priceObject.put("object", "price");
            priceObject.put("currency", itemCurrency);
            priceObject.put("product", StripeJson.id("prod_", 14));
            priceObject.put("type", "one_time");
            priceObject.put("unit_amount", unitAmount);
            line.put("quantity", quantity);
        }
        if (total < MINIMUM_AMOUNT) {
            throw StripeError.invalid("line_items", null, "The Checkout Session's total amount due must add up to at least "
                    + MINIMUM_AMOUNT + " " + currency + " minor units.");
        }
        Params paymentIntentData = p.child("payment_intent_data");
        paymentIntentData.allowOnly(PAYMENT_INTENT_DATA);
        Optional<String> setupFutureUsage = paymentIntentData.oneOf("setup_future_usage", Set.of("on_session", "off_session"));
        ObjectNode session = StripeJson.object();
        String id = StripeJson.id("cs_test_a1", 56);
        long created = now();
        session.put("id", id);
        session.put("object", "checkout.session");
        session.putObject("adaptive_pricing").put("enabled", false);
        session.putNull("after_expiration");
        session.putNull("allow_promotion_codes");
        session.put("amount_subtotal", total);
        session.put("amount_total", total);
        ObjectNode tax = session.putObject("automatic_tax");
        tax.put("enabled", false);
        tax.putNull("liability");
        tax.putNull("provider");
        tax.putNull("status");
        session.putNull("billing_address_collection");
        session.put("cancel_url", p.string("cancel_url").orElse(null));
        session.put("client_reference_id", p.string("client_reference_id").orElse(null));
        session.putNull("client_secret");
        session.putNull("collected_information");
        session.putNull("consent");
        session.putNull("consent_collection");
        session.put("created", created);
        session.put("currency", currency);
        session.putNull("currency_conversion");
        session.putArray("custom_fields");
        ObjectNode customText = session.putObject("custom_text");
        for (String field : List.of("after_submit", "shipping_address", "submit", "terms_of_service_acceptance")) {
            customText.putNull(field);
        }
        session.put("customer", customer.orElse(null));
        session.put("customer_creation", customer.isPresent() ? null : customerCreation.orElse("if_required"));
        session.putNull("customer_details");
        session.put("customer_email", customerEmail.orElse(null));
        session.putArray("discounts");
        session.put("expires_at", p.integer("expires_at").orElse(created + 86_400));
        session.putNull("invoice");
        session.putNull("invoice_creation");
        session.put("livemode", false);
        session.put("locale", p.string("locale").orElse(null));
        session.set("metadata", p.metadata("metadata"));
        session.put("mode", "payment");
        session.putNull("payment_intent");
        session.putNull("payment_link");
        session.put("payment_method_collection", "if_required");
        session.putNull("payment_method_configuration_details");
        ObjectNode options = session.putObject("payment_method_options");
        ObjectNode cardOptions = options.putObject("card");
        cardOptions.put("request_three_d_secure", "automatic");
        setupFutureUsage.ifPresent(usage -> cardOptions.put("setup_future_usage", usage));
        session.putArray("payment_method_types").add("card");
        session.put("payment_status", "unpaid");
        session.putObject("phone_number_collection").put("enabled", false);
        session.putNull("recovered_from");
        session.putNull("saved_payment_method_options");
        session.putNull("setup_intent");
        session.putNull("shipping_address_collection");
        session.putNull("shipping_cost");
        session.putArray("shipping_options");
        session.put("status", "open");
        session.put("submit_type", p.string("submit_type").orElse(null));
        session.putNull("subscription");
        session.put("success_url", p.string("success_url").orElse(null));
        ObjectNode totals = session.putObject("total_details");
        totals.put("amount_discount", 0);
        totals.put("amount_shipping", 0);
        totals.put("amount_tax", 0);
        session.put("ui_mode", "hosted");
        session.put("url", checkoutPageBase + id);
        session.putNull("wallet_options");
        store(session);
        sessionExtras.put(id, new SessionExtras(lineItems, setupFutureUsage, paymentIntentData.metadata("metadata"),
                paymentIntentData.string("description")));
        return session.deepCopy();
    }

    /**
     * The buyer pays on the hosted page: a Customer when the session must have one (asked, or a card to save), the
     * card as a PaymentMethod (attached when {@code setup_future_usage} was asked), a PaymentIntent with its Charge,
     * and the session {@code complete}. A delayed payment method leaves it {@code unpaid} until
     * {@link #settleAsyncPayment}. Stripe's page lets a declined buyer try another card: the payment always succeeds here,
     * and the card's own behaviour applies to later charges (a saved card that starts declining).
     */
    synchronized ObjectNode payCheckoutSession(String id, String card, String email, boolean delayed, Origin origin) {
        ObjectNode session = mutable(id, "checkout.session", "checkout.session", "session");
        if (!"open".equals(session.path("status").asText())) {
            throw StripeError.invalid(null, "checkout_session_not_open", "This Checkout Session is "
                    + session.path("status").asText() + " and can no longer be paid.");
        }
        SessionExtras extras = sessionExtras.get(id);
        String customerId = session.path("customer").asText(null);
        String buyerEmail = email != null ? email : session.path("customer_email").asText(null);
        if (customerId != null && buyerEmail == null) {
            buyerEmail = objects.get(customerId).path("email").asText(null);
        }
        if (buyerEmail == null) {
            buyerEmail = "buyer@example.com";
        }
        boolean saveCard = extras.setupFutureUsage().isPresent();
        if (customerId == null && ("always".equals(session.path("customer_creation").asText()) || saveCard)) {
            customerId = createCustomer(Params.of(Map.of("email", buyerEmail)), origin).path("id").asText();
        }
        ObjectNode pm = paymentMethod(card, "payment_method", buyerEmail);
        ObjectNode pi = newPaymentIntent(session.path("amount_total").asLong(), session.path("currency").asText(),
                customerId, extras.paymentMetadata().deepCopy(), extras.paymentDescription().orElse(null),
                extras.setupFutureUsage());
        pi.put("payment_method", pm.path("id").asText());
        store(pi);
        record("payment_intent.created", pi, null, origin);
        if (delayed) {
            pi.put("status", "processing");
            pi.putObject("processing").put("type", "card");
            record("payment_intent.processing", pi, null, origin);
        } else {
            succeed(pi, pm, origin);
        }
        session.put("status", "complete");
        session.put("payment_status", delayed ? "unpaid" : "paid");
        session.put("payment_intent", pi.path("id").asText());
        session.put("customer", customerId);
        ObjectNode details = session.putObject("customer_details");
        details.putNull("address");
        details.put("email", buyerEmail);
        details.putNull("name");
        details.putNull("phone");
        details.put("tax_exempt", "none");
        details.putArray("tax_ids");
        session.putNull("url");
        record("checkout.session.completed", session, null, origin);
        return session.deepCopy();
    }

    /** A delayed payment of a completed session settles: {@code async_payment_succeeded} or {@code _failed}. */
    synchronized ObjectNode settleAsyncPayment(String id, boolean succeeded, Origin origin) {
        ObjectNode session = mutable(id, "checkout.session", "checkout.session", "session");
        ObjectNode pi = objects.get(session.path("payment_intent").asText(""));
        if (pi == null || !"processing".equals(pi.path("status").asText())) {
            throw StripeError.invalid(null, null, "Checkout Session " + id + " has no payment in processing.");
        }
        ObjectNode pm = objects.get(pi.path("payment_method").asText());
        pi.putNull("processing");
        if (succeeded) {
            succeed(pi, pm, origin);
            session.put("payment_status", "paid");
            record("checkout.session.async_payment_succeeded", session, null, origin);
        } else {
            decline(pi, pm, "card_declined", "generic_decline", "Your card was declined.", origin);
            record("checkout.session.async_payment_failed", session, null, origin);
        }
        return session.deepCopy();
    }

    synchronized ObjectNode expireCheckoutSession(String id, Origin origin) {
        ObjectNode session = mutable(id, "checkout.session", "checkout.session", "session");
        if (!"open".equals(session.path("status").asText())) {
            throw StripeError.invalid(null, null, "Only Checkout Sessions with a status in [\"open\"] can be expired.");
        }
        session.put("status", "expired");
        session.putNull("url");
        record("checkout.session.expired", session, null, origin);
        return session.deepCopy();
    }

    // ------------------------------------------------------------------ refunds and disputes

    synchronized ObjectNode createRefund(Params p, Origin origin) {
        p.allowOnly(REFUND_CREATE);
        Optional<String> chargeId = p.string("charge");
        Optional<String> piId = p.string("payment_intent");
        if (chargeId.isEmpty() == piId.isEmpty()) {
            throw StripeError.invalid("charge", null, "One of charge or payment_intent is required.");
        }
        ObjectNode charge;
        if (chargeId.isPresent()) {
            charge = mutable(chargeId.get(), "charge", "charge", "charge");
        } else {
            ObjectNode pi = mutable(piId.get(), "payment_intent", "payment_intent", "payment_intent");
            if (!"succeeded".equals(pi.path("status").asText())) {
                throw StripeError.invalid("payment_intent", "charge_not_refundable",
                        "This PaymentIntent does not have a successful charge to refund.");
            }
            charge = objects.get(pi.path("latest_charge").asText());
        }
        long unrefunded = charge.path("amount").asLong() - charge.path("amount_refunded").asLong();
        long amount = p.integer("amount").orElse(unrefunded);
        if (!"succeeded".equals(charge.path("status").asText())) {
            throw StripeError.invalid("charge", "charge_not_refundable", "Charge " + charge.path("id").asText()
                    + " has not succeeded and cannot be refunded.");
        }
        if (amount < 1) {
            throw StripeError.invalid("amount", "parameter_invalid_integer", "Refund amount must be positive.");
        }
        if (amount > unrefunded) {
            throw StripeError.invalid("amount", "amount_too_large", "Refund amount (" + amount
                    + ") is greater than unrefunded amount on charge (" + unrefunded + ")");
        }
        ObjectNode refund = StripeJson.object();
        refund.put("id", StripeJson.id("re_3", 23));
        refund.put("object", "refund");
        refund.put("amount", amount);
        refund.put("balance_transaction", StripeJson.id("txn_3", 23));
        refund.put("charge", charge.path("id").asText());
        refund.put("created", now());
        refund.put("currency", charge.path("currency").asText());
        ObjectNode destination = refund.putObject("destination_details");
        destination.putObject("card").put("reference_status", "pending").put("reference_type", "acquirer_reference_number")
                .put("type", "refund");
        destination.put("type", "card");
        refund.set("metadata", p.metadata("metadata"));
        refund.put("payment_intent", charge.path("payment_intent").asText(null));
        refund.put("reason", p.oneOf("reason", Set.of("duplicate", "fraudulent", "requested_by_customer")).orElse(null));
        refund.putNull("receipt_number");
        refund.putNull("source_transfer_reversal");
        refund.put("status", "succeeded");
        refund.putNull("transfer_reversal");
        store(refund);
        ObjectNode previous = StripeJson.object();
        previous.put("amount_refunded", charge.path("amount_refunded").asLong());
        previous.put("refunded", charge.path("refunded").asBoolean());
        charge.put("amount_refunded", charge.path("amount_refunded").asLong() + amount);
        charge.put("refunded", charge.path("amount_refunded").asLong() == charge.path("amount").asLong());
        record("refund.created", refund, null, origin);
        record("charge.refunded", charge, previous, origin);
        return refund.deepCopy();
    }

    /** A refund the bank could not send (an expired or closed card): its amount is back on the charge. */
    synchronized ObjectNode failRefund(String id, String failureReason, Origin origin) {
        ObjectNode refund = mutable(id, "refund", "refund", "refund");
        if (!Set.of("succeeded", "pending").contains(refund.path("status").asText())) {
            throw StripeError.invalid(null, null, "Refund " + id + " is " + refund.path("status").asText() + ".");
        }
        ObjectNode charge = objects.get(refund.path("charge").asText());
        ObjectNode previous = StripeJson.object().put("status", refund.path("status").asText());
        refund.put("status", "failed");
        refund.put("failure_reason", failureReason);
        refund.put("failure_balance_transaction", StripeJson.id("txn_3", 23));
        charge.put("amount_refunded", charge.path("amount_refunded").asLong() - refund.path("amount").asLong());
        charge.put("refunded", false);
        record("charge.refund.updated", refund, previous, origin);
        record("refund.updated", refund, previous, origin);
        record("refund.failed", refund, null, origin);
        return refund.deepCopy();
    }

    synchronized ObjectNode openDispute(String chargeId, String reason, Origin origin) {
        ObjectNode charge = mutable(chargeId, "charge", "charge", "charge");
        if (!"succeeded".equals(charge.path("status").asText()) || charge.path("disputed").asBoolean()) {
            throw StripeError.invalid("charge", null, "Charge " + chargeId + " cannot be disputed (failed or already disputed).");
        }
        ObjectNode dispute = StripeJson.object();
        dispute.put("id", StripeJson.id("dp_1", 23));
        dispute.put("object", "dispute");
        dispute.put("amount", charge.path("amount").asLong());
        dispute.putArray("balance_transactions");
        dispute.put("charge", chargeId);
        dispute.put("created", now());
        dispute.put("currency", charge.path("currency").asText());
        dispute.putObject("evidence");
        ObjectNode evidence = dispute.putObject("evidence_details");
        evidence.put("due_by", now() + 7 * 86_400);
        evidence.put("has_evidence", false);
        evidence.put("past_due", false);
        evidence.put("submission_count", 0);
        dispute.put("is_charge_refundable", false);
        dispute.put("livemode", false);
        dispute.putObject("metadata");
        dispute.put("payment_intent", charge.path("payment_intent").asText(null));
        ObjectNode details = dispute.putObject("payment_method_details");
        details.putObject("card").put("brand", charge.path("payment_method_details").path("card").path("brand").asText())
                .put("case_type", "chargeback").put("network_reason_code", "10.4");
        details.put("type", "card");
        dispute.put("reason", reason);
        dispute.put("status", "needs_response");
        store(dispute);
        charge.put("disputed", true);
        record("charge.dispute.created", dispute, null, origin);
        return dispute.deepCopy();
    }

    synchronized ObjectNode closeDispute(String id, boolean won, Origin origin) {
        ObjectNode dispute = mutable(id, "dispute", "dispute", "dispute");
        String status = dispute.path("status").asText();
        if (status.equals("won") || status.equals("lost")) {
            throw StripeError.invalid(null, null, "Dispute " + id + " is already closed (" + status + ").");
        }
        ObjectNode previous = StripeJson.object().put("status", status);
        dispute.put("status", won ? "won" : "lost");
        record("charge.dispute.closed", dispute, previous, origin);
        return dispute.deepCopy();
    }

    // ------------------------------------------------------------------ plumbing

    private ObjectNode mutable(String id, String kind, String what, String param) {
        ObjectNode o = objects.get(id);
        if (o == null || !kind.equals(o.path("object").asText())) {
            throw StripeError.noSuch(what, id, param);
        }
        return o;
    }

    private void store(ObjectNode object) {
        String id = object.path("id").asText();
        objects.put(id, object);
        sequence.put(id, ++nextSequence);
    }

    private void record(String type, ObjectNode object, ObjectNode previous, Origin origin) {
        events.record(type, object, previous, origin);
    }

    private static void mergeMetadata(ObjectNode metadata, Params p) {
        p.metadata("metadata", true).properties().forEach(e -> {
            if (e.getValue().asText().isEmpty()) {
                metadata.remove(e.getKey());
            } else {
                metadata.put(e.getKey(), e.getValue().asText());
            }
        });
    }

    private static String currency(Params p, String name) {
        String currency = p.required(name);
        if (!currency.matches("[a-z]{3}")) {
            throw StripeError.invalid(p.name(name), null, "Invalid currency: " + currency + ". Stripe currently supports"
                    + " these currencies: three-letter ISO codes, in lowercase.");
        }
        return currency;
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }
}
