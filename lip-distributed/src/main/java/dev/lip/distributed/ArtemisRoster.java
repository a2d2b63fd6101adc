package dev.lip.distributed;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.common.protocol.ProcessorRoster;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/**
 * The processors' announcements on the broker (what the work directory's {@code .processors/} is on one machine): a
 * last-value queue, {@value #QUEUE}, that keeps each processor's latest message only (Artemis replaces a message by
 * a newer one of the same {@code _AMQ_LVQ_NAME}), read by browsing, never consumed. Announcements are not
 * persistent and expire after a minute: a processor that stopped drops out by itself.
 */
final class ArtemisRoster {
    static final String QUEUE = "lip.processors";
    /** The queue's name with the parameter that makes a broker auto-create it as a last-value queue. */
    private static final String DESTINATION = QUEUE + "?last-value=true";
    private static final String LAST_VALUE = "_AMQ_LVQ_NAME";
    private static final long TIME_TO_LIVE_MS = 60_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Connection connection;

    ArtemisRoster(Connection connection) {
        this.connection = connection;
    }

    void announce(ProcessorRoster.Announcement a) throws IOException {
        try (Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            MessageProducer producer = s.createProducer(s.createQueue(DESTINATION));
            TextMessage m = s.createTextMessage(JSON.writeValueAsString(a));
            m.setStringProperty(LAST_VALUE, a.id());
            producer.send(m, DeliveryMode.NON_PERSISTENT, Message.DEFAULT_PRIORITY, TIME_TO_LIVE_MS);
        } catch (JMSException e) {
            throw ArtemisPatchQueue.io("cannot announce processor " + a.id(), e);
        }
    }

    List<ProcessorRoster.Announcement> announced(Duration maxAge) throws IOException {
        List<ProcessorRoster.Announcement> out = new ArrayList<>();
        long oldest = System.currentTimeMillis() - maxAge.toMillis();
        try (Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
             QueueBrowser browser = s.createBrowser(s.createQueue(DESTINATION))) {
            Enumeration<?> messages = browser.getEnumeration();
            while (messages.hasMoreElements()) {
                if (messages.nextElement() instanceof TextMessage t) {
                    try {
                        ProcessorRoster.Announcement a = JSON.readValue(t.getText(), ProcessorRoster.Announcement.class);
                        if (a.at() >= oldest && a.models() != null) {
                            out.add(a);
                        }
                    } catch (IOException | RuntimeException e) {
                        // not an announcement of ours: skipped
                    }
                }
            }
        } catch (JMSException e) {
            throw ArtemisPatchQueue.io("cannot read the processors' announcements", e);
        }
        return out;
    }
}
