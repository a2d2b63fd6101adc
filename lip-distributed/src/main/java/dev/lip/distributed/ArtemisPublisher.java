package dev.lip.distributed;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.common.transport.PatchMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Puts patch messages on {@value ArtemisPatchQueue#QUEUE}: persistent, with the patch's id as Artemis' duplicate
 * id and its job as a property, at a priority from the job's size. One session for the whole queue, used by one
 * thread at a time.
 */
final class ArtemisPublisher {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Session publishing;
    private final MessageProducer producer;

    ArtemisPublisher(Session publishing) throws JMSException {
        this.publishing = publishing;
        this.producer = publishing.createProducer(publishing.createQueue(ArtemisPatchQueue.QUEUE));
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
    }

    /**
     * JMS priority from the job's size: 9 for a job of a few patches down to 1 for one of 100,000 or more (a step for
     * each factor of about four), so the broker hands out a small job's patches ahead of a large one's waiting
     * before them; a large job is not starved, since small jobs end.
     */
    static int priority(long jobPatches) {
        if (jobPatches <= 0) {
            return 4; // JMS' default: size unknown
        }
        int steps = (int) (Math.log(jobPatches) / Math.log(4));
        return Math.max(1, Math.min(9, 10 - steps));
    }

    void publish(PatchMessage message, long jobPatches) throws IOException {
        try {
            synchronized (producer) {
                producer.send(text(message), DeliveryMode.PERSISTENT, priority(jobPatches), 0);
            }
        } catch (JMSException e) {
            throw ArtemisPatchQueue.io("cannot publish patch " + message.id(), e);
        }
    }

    private TextMessage text(PatchMessage message) throws JMSException, IOException {
        TextMessage m = publishing.createTextMessage(JSON.writeValueAsString(message));
        m.setStringProperty(ArtemisPatchQueue.JOB, message.job());
        m.setStringProperty(ArtemisPatchQueue.DUPLICATE_ID, message.id());
        return m;
    }

    /**
     * Sends them all without waiting, then waits for the broker's confirmations: the journal writes them in one
     * go rather than one buffer timeout each (3.6 ms a patch, measured on the embedded broker). Not a transaction,
     * on purpose: Artemis drops a whole transaction in which one message is a duplicate, and a slicer resuming after
     * a crash publishes patches it had published beside ones it had not.
     */
    void publishAll(List<PatchMessage> messages, long jobPatches) throws IOException {
        CountDownLatch confirmed = new CountDownLatch(messages.size());
        AtomicReference<Exception> failure = new AtomicReference<>();
        CompletionListener listener = new CompletionListener() {
            @Override
            public void onCompletion(Message m) {
                confirmed.countDown();
            }

            @Override
            public void onException(Message m, Exception e) {
                failure.compareAndSet(null, e);
                confirmed.countDown();
            }
        };
        try {
            synchronized (producer) {
                for (PatchMessage message : messages) {
                    producer.send(text(message), DeliveryMode.PERSISTENT, priority(jobPatches), 0, listener);
                }
            }
            if (!confirmed.await(2, TimeUnit.MINUTES)) {
                throw new IOException("the broker did not confirm " + confirmed.getCount() + " of "
                        + messages.size() + " patches in two minutes");
            }
        } catch (JMSException e) {
            throw ArtemisPatchQueue.io("cannot publish " + messages.size() + " patches", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while publishing patches", e);
        }
        if (failure.get() != null) {
            throw new IOException("cannot publish patches: " + failure.get().getMessage(), failure.get());
        }
    }
}
