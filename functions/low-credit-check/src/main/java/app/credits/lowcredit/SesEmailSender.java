package app.credits.lowcredit;

import app.credits.runtime.AwsCredentials;
import app.credits.runtime.Environment;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.SesV2ClientBuilder;
import software.amazon.awssdk.services.sesv2.model.Body;
import software.amazon.awssdk.services.sesv2.model.Content;
import software.amazon.awssdk.services.sesv2.model.EmailContent;
import software.amazon.awssdk.services.sesv2.model.Message;
import software.amazon.awssdk.services.sesv2.model.MessageHeader;
import software.amazon.awssdk.services.sesv2.model.SendEmailResponse;

import java.time.Duration;
import java.util.Set;

/**
 * Sends through SES v2 as a simple (non-templated) message to its one recipient, with a Text and an Html part and
 * the unsubscribe headers ({@code Message.headers}: SES v2 takes custom headers on simple content since March 2024).
 */
public final class SesEmailSender implements EmailSender {
    /** The longest one send may take, retries included. */
    public static final Duration SEND_TIMEOUT = Duration.ofSeconds(7);

    /**
     * SES's answers about this message alone (an unverified recipient in the sandbox, an address it cannot parse);
     * any other failure (throttling, quotas, credentials, a paused account, 5xx, no answer) is SES being unusable.
     */
    static final Set<String> REFUSALS_OF_ONE_MESSAGE = Set.of("MessageRejected", "BadRequestException");

    private final SesV2Client ses;

    public SesEmailSender(SesV2Client ses) {
        this.ses = ses;
    }

    /**
     * The production client, built once at init: region from {@code AWS_REGION}, {@code SES_ENDPOINT} overrides the
     * endpoint locally (with dummy credentials unless the environment has some), URLConnection HTTP client, short
     * timeouts so that an SES outage costs a run seconds, not its whole timeout.
     */
    public static SesV2Client clientFromEnvironment(Environment env) {
        SesV2ClientBuilder builder = SesV2Client.builder()
                .region(Region.of(env.region()))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(Duration.ofSeconds(3)))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallAttemptTimeout(Duration.ofSeconds(3))
                        .apiCallTimeout(SEND_TIMEOUT)
                        .retryStrategy(RetryMode.STANDARD)
                        .build());
        builder.credentialsProvider(AwsCredentials.of(env, env.get("SES_ENDPOINT").isPresent()));
        env.get("SES_ENDPOINT").ifPresent(endpoint -> builder.endpointOverride(java.net.URI.create(endpoint)));
        return builder.build();
    }

    @Override
    public SendResult send(LowCreditEmail email) {
        try {
            SendEmailResponse response = ses.sendEmail(b -> b
                    .fromEmailAddress(email.from())
                    .destination(d -> d.toAddresses(email.to()))
                    .content(EmailContent.builder().simple(Message.builder()
                            .subject(utf8(email.subject()))
                            .body(Body.builder().text(utf8(email.text())).html(utf8(email.html())).build())
                            .headers(email.headers().entrySet().stream()
                                    .map(h -> MessageHeader.builder().name(h.getKey()).value(h.getValue()).build())
                                    .toList())
                            .build()).build()));
            return new SendResult.Sent(response.messageId());
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null
                    ? e.getClass().getSimpleName() : e.awsErrorDetails().errorCode();
            // SES's message quotes the recipients ("...failed the check in region US-EAST-1: a@b.example"): only
            // the error code, the status and SES's request id go to the log.
            String reason = code + " (HTTP " + e.statusCode() + ", request id " + e.requestId() + ")";
            return REFUSALS_OF_ONE_MESSAGE.contains(code) ? new SendResult.Rejected(reason) : new SendResult.Failed(reason);
        } catch (SdkException e) {
            // Timeouts, refused connections: the classes say which (the message may quote the endpoint, never needed).
            return new SendResult.Failed(e.getClass().getSimpleName()
                    + (e.getCause() == null ? "" : " caused by " + e.getCause().getClass().getSimpleName()));
        }
    }

    private static Content utf8(String data) {
        return Content.builder().charset("UTF-8").data(data).build();
    }
}
