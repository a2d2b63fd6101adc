package dev.lip.distributed;

import dev.lip.common.transport.PatchMessage;
import dev.lip.common.transport.PatchQueue;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * The announcements of processed patches on {@value ArtemisPatchQueue#RESULTS}, for the one reader that gathers
 * results (slicer-api), in a transacted session of its own: acknowledging one commits every announcement received
 * before it, so the reader fetches a batch of results and acknowledges them with one round trip; a reader that dies
 * first has them announced again.
 */
final class ArtemisCompletions implements PatchQueue.Completions {
    private final Session session;
    private final MessageConsumer consumer;

    ArtemisCompletions(Session session) throws JMSException {
        this.session = session;
        this.consumer = session.createConsumer(session.createQueue(ArtemisPatchQueue.RESULTS));
    }

    @Override
    public Optional<PatchQueue.Completion> next(Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (true) {
                Message m = consumer.receive(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                if (m == null) {
                    return Optional.empty();
                }
                try {
                    PatchMessage message = ArtemisPatchQueue.parse(m);
                    return Optional.of(new Announcement(message));
                } catch (IOException notAPatch) {
                    // no patch's announcement (anyone on the broker can send one): skipped, and acknowledged with
                    // the next commit; committing now would acknowledge real ones not yet fetched
                }
            }
        } catch (JMSException e) {
            throw ArtemisPatchQueue.io("cannot receive completions", e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            session.close();
        } catch (JMSException e) {
            throw ArtemisPatchQueue.io("cannot close the completions", e);
        }
    }

    private final class Announcement implements PatchQueue.Completion {
        private final PatchMessage message;

        Announcement(PatchMessage message) {
            this.message = message;
        }

        @Override
        public PatchMessage message() {
            return message;
        }

        @Override
        public void acknowledge() throws IOException {
            try {
                session.commit();
            } catch (JMSException e) {
                throw ArtemisPatchQueue.io("cannot acknowledge the completion of " + message.id(), e);
            }
        }
    }
}
