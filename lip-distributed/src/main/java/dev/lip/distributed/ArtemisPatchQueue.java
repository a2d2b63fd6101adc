package dev.lip.distributed;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.transport.PatchMessage;
import dev.lip.common.transport.PatchQueue;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;

/**
 * The patch queue on Apache ActiveMQ Artemis, through Jakarta JMS: one anycast queue, {@value #QUEUE}, of JSON
 * {@link PatchMessage}s (docs/protocol.md, "Patch messages"; a worker in another language can consume it over AMQP
 * 1.0 or STOMP), and its dead-letter queue {@value #DEAD_LETTERS}.
 *
 * <p>The guarantees come from the broker, not from code of ours: each consumer has a transacted session of its own
 * and a consumer window of 0, so it holds one message at a time and takes none ahead (no hoarding); acknowledging
 * commits; a failure rolls back, so the broker delivers the message again with its delivery count raised; a
 * consumer that closes or whose process dies without committing has its message delivered again to another. At the
 * last attempt a failure moves the message to the dead-letter queue with the reason, in the same transaction; a
 * processor killed at every attempt has it dead-lettered by the broker (its max-delivery-attempts). Publishing sets
 * Artemis' duplicate-detection id to the patch's id, so a slicer that publishes again after a restart queues nothing
 * twice. The {@code job} property lets counts and purges select one job's messages.
 */
public final class ArtemisPatchQueue implements PatchQueue {
    public static final String QUEUE = "lip.patches";
    public static final String DEAD_LETTERS = "lip.patches.dead";
    /** Announcements of processed patches, for slicer-api, sent in the transaction that acknowledges the patch. */
    public static final String RESULTS = "lip.results";
    /** Patch ids the broker remembers for duplicate detection: more than the patches of a 100k² job at 512². */
    static final int DUPLICATE_IDS = 100_000;
    static final String DUPLICATE_ID = "_AMQ_DUPL_ID";
    static final String JOB = "job";
    private static final String REASON = "reason";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String brokerUrl;
    private final String user;
    private final String password;
    private final Connection connection;
    private final int maxAttempts;
    private final ArtemisRoster roster;
    private Connection publishing;
    private ArtemisPublisher publisher;

    /**
     * @param brokerUrl   Artemis' URL ({@code tcp://host:61616}); the consumer window is set to 0 here
     * @param maxAttempts attempts of a patch before its failure dead-letters it
     */
    public ArtemisPatchQueue(String brokerUrl, String user, String password, int maxAttempts) throws IOException {
        this.brokerUrl = brokerUrl;
        this.user = user;
        this.password = password;
        this.maxAttempts = maxAttempts;
        try {
            this.connection = connect(false);
            this.roster = new ArtemisRoster(connection);
        } catch (JMSException e) {
            throw io("cannot connect to the broker at " + brokerUrl, e);
        }
    }

    /**
     * A started connection. Only the publishing one has a confirmation window: with one, Artemis keeps a connection
     * whose client vanished (a processor killed) for the client to re-attach, a connection TTL long (60 s), and
     * the deliveries it held with it; without, the broker fails it as soon as its socket closes and delivers them
     * again to another consumer at once.
     */
    private Connection connect(boolean confirmed) throws JMSException {
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(brokerUrl);
        factory.setConsumerWindowSize(0);
        factory.setReconnectAttempts(-1); // a broker restarted mid-job is waited for, not a failure
        factory.setRetryInterval(500);
        // a processor started before its broker waits for it a minute, then says it cannot reach it
        factory.setInitialConnectAttempts(120);
        factory.setBlockOnDurableSend(true); // publish returns once the broker has journalled the message
        if (confirmed) {
            // publishAll's sends are confirmed by the broker once journalled (without a window they would be
            // "completed" at once, before the broker has them)
            factory.setConfirmationWindowSize(1 << 20);
        }
        Connection c = user == null ? factory.createConnection() : factory.createConnection(user, password);
        c.start();
        return c;
    }

    /** The publisher, on a connection of its own made at the first publish (processors never publish patches). */
    private synchronized ArtemisPublisher publisher() throws IOException {
        if (publisher == null) {
            try {
                publishing = connect(true);
                publisher = new ArtemisPublisher(publishing.createSession(false, Session.AUTO_ACKNOWLEDGE));
            } catch (JMSException e) {
                throw io("cannot connect to the broker at " + brokerUrl + " to publish", e);
            }
        }
        return publisher;
    }

    static IOException io(String what, JMSException e) {
        return new IOException(what + ": " + e.getMessage(), e);
    }

    @Override
    public void publish(PatchMessage message) throws IOException {
        publish(message, 0);
    }

    @Override
    public void publish(PatchMessage message, long jobPatches) throws IOException {
        publisher().publish(message, jobPatches);
    }

    @Override
    public void publishAll(java.util.List<PatchMessage> messages, long jobPatches) throws IOException {
        publisher().publishAll(messages, jobPatches);
    }

    @Override
    public void announce(dev.lip.common.protocol.ProcessorRoster.Announcement announcement) throws IOException {
        roster.announce(announcement);
    }

    @Override
    public List<dev.lip.common.protocol.ProcessorRoster.Announcement> announced(Duration maxAge) throws IOException {
        return roster.announced(maxAge);
    }

    @Override
    public Consumer consumer() throws IOException {
        try {
            return new ArtemisConsumer(connection.createSession(true, Session.SESSION_TRANSACTED));
        } catch (JMSException e) {
            throw io("cannot open a consumer", e);
        }
    }

    @Override
    public long waiting(String job) throws IOException {
        return count(QUEUE, selector(job));
    }

    @Override
    public long waiting() throws IOException {
        return count(QUEUE, null);
    }

    private static String selector(String job) {
        if (!JobDirectory.isValidJobId(job)) {
            throw new IllegalArgumentException("not a job id: " + job); // also keeps quotes out of the selector
        }
        return JOB + " = '" + job + "'";
    }

    private long count(String queue, String selector) throws IOException {
        try (Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             QueueBrowser browser = s.createBrowser(s.createQueue(queue), selector)) {
            long n = 0;
            for (Enumeration<?> e = browser.getEnumeration(); e.hasMoreElements(); e.nextElement()) {
                n++;
            }
            return n;
        } catch (JMSException e) {
            throw io("cannot count the queue's messages", e);
        }
    }

    @Override
    public List<DeadLetter> deadLetters(String job) throws IOException {
        List<DeadLetter> out = new ArrayList<>();
        try (Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             QueueBrowser browser = s.createBrowser(s.createQueue(DEAD_LETTERS), selector(job))) {
            for (Enumeration<?> e = browser.getEnumeration(); e.hasMoreElements(); ) {
                Message m = (Message) e.nextElement();
                String reason = m.getStringProperty(REASON);
                PatchMessage patch;
                try {
                    patch = parse(m);
                } catch (IOException notAPatch) {
                    patch = null; // sent by someone else with this job's name: still a reason the job cannot end well
                }
                out.add(new DeadLetter(patch, reason != null ? reason
                        : "its processor stopped during each of its " + maxAttempts + " attempts"));
            }
            return out;
        } catch (JMSException e) {
            throw io("cannot read the dead-letter queue", e);
        }
    }

    @Override
    public Completions completions() throws IOException {
        try {
            return new ArtemisCompletions(connection.createSession(true, Session.SESSION_TRANSACTED));
        } catch (JMSException e) {
            throw io("cannot read completions", e);
        }
    }

    @Override
    public void purge(String job) throws IOException {
        try (Session s = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            for (String queue : List.of(QUEUE, DEAD_LETTERS, RESULTS)) {
                try (MessageConsumer c = s.createConsumer(s.createQueue(queue), selector(job))) {
                    int n = 0;
                    while (c.receiveNoWait() != null) {
                        if (++n % 1000 == 0) {
                            s.commit();
                        }
                    }
                }
                s.commit();
            }
        } catch (JMSException e) {
            throw io("cannot purge job " + job, e);
        }
    }

    static PatchMessage parse(Message m) throws IOException, JMSException {
        if (!(m instanceof TextMessage t) || t.getText() == null) {
            throw new IOException("not a patch message (no JSON text)");
        }
        try {
            return JSON.readValue(t.getText(), PatchMessage.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("not a patch message: " + e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        try {
            synchronized (this) {
                if (publishing != null) {
                    publishing.close();
                }
            }
            connection.close();
        } catch (JMSException e) {
            throw io("cannot close the connection", e);
        }
    }

    private final class ArtemisConsumer implements Consumer {
        private final Session session;
        private final MessageConsumer consumer;
        private final MessageProducer deadLetters;
        private final MessageProducer results;
        private ArtemisDelivery unsettled;

        ArtemisConsumer(Session session) throws JMSException {
            this.session = session;
            Queue queue = session.createQueue(QUEUE);
            this.consumer = session.createConsumer(queue);
            this.deadLetters = session.createProducer(session.createQueue(DEAD_LETTERS));
            deadLetters.setDeliveryMode(DeliveryMode.PERSISTENT);
            this.results = session.createProducer(session.createQueue(RESULTS));
            results.setDeliveryMode(DeliveryMode.PERSISTENT);
        }

        @Override
        public Optional<Delivery> receive(Duration wait) throws IOException {
            if (unsettled != null) {
                throw new IllegalStateException("the previous delivery (" + unsettled.message.id() + ") is not settled");
            }
            long deadline = System.nanoTime() + wait.toNanos();
            try {
                while (true) {
                    long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                    Message m = consumer.receive(left);
                    if (m == null) {
                        return Optional.empty();
                    }
                    int attempt = m.propertyExists("JMSXDeliveryCount") ? m.getIntProperty("JMSXDeliveryCount") : 1;
                    try {
                        unsettled = new ArtemisDelivery(this, parse(m), attempt);
                        return Optional.of(unsettled);
                    } catch (IOException malformed) {
                        // anyone on the broker can send: a message that is no patch goes to the dead letters at once
                        deadLetter(m, malformed.getMessage());
                        session.commit();
                    }
                }
            } catch (JMSException e) {
                throw io("cannot receive from the broker", e);
            }
        }

        private void deadLetter(Message original, String reason) throws JMSException {
            TextMessage copy = session.createTextMessage(original instanceof TextMessage t ? t.getText() : "");
            String job = original.getStringProperty(JOB);
            if (job != null) {
                copy.setStringProperty(JOB, job);
            }
            copy.setStringProperty(REASON, reason);
            deadLetters.send(copy);
        }

        @Override
        public void close() throws IOException {
            try {
                session.close(); // an uncommitted delivery is rolled back: the broker delivers it again
            } catch (JMSException e) {
                throw io("cannot close a consumer", e);
            }
        }

        private final class ArtemisDelivery implements Delivery {
            private final ArtemisConsumer owner;
            private final PatchMessage message;
            private final int attempt;
            private Message received;

            ArtemisDelivery(ArtemisConsumer owner, PatchMessage message, int attempt) {
                this.owner = owner;
                this.message = message;
                this.attempt = attempt;
            }

            @Override
            public PatchMessage message() {
                return message;
            }

            @Override
            public int attempt() {
                return attempt;
            }

            @Override
            public void acknowledge() throws IOException {
                settled();
                try {
                    TextMessage done = session.createTextMessage(JSON.writeValueAsString(message));
                    done.setStringProperty(JOB, message.job());
                    done.setStringProperty(DUPLICATE_ID, "done/" + message.id());
                    results.send(done);
                    session.commit(); // the patch acknowledged and its completion announced, or neither
                } catch (JMSException e) {
                    throw io("cannot acknowledge patch " + message.id(), e);
                }
            }

            @Override
            public boolean fail(String reason) throws IOException {
                settled();
                try {
                    if (attempt >= maxAttempts) {
                        TextMessage copy = session.createTextMessage(JSON.writeValueAsString(message));
                        copy.setStringProperty(JOB, message.job());
                        copy.setStringProperty(REASON, reason + (maxAttempts > 1 ? " (failed " + attempt + " times)" : ""));
                        deadLetters.send(copy);
                        session.commit();
                        return true;
                    }
                    session.rollback();
                    return false;
                } catch (JMSException e) {
                    throw io("cannot settle patch " + message.id(), e);
                }
            }

            private void settled() {
                if (owner.unsettled != this) {
                    throw new IllegalStateException("delivery of " + message.id() + " was settled already");
                }
                owner.unsettled = null;
            }
        }
    }
}
