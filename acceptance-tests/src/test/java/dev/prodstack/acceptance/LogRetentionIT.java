package dev.prodstack.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.prodstack.acceptance.support.LogStore;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The retention the operator sets (LOG_RETENTION_DAYS, default 7) is enforced by the running
 * log-retention service: a daily index older than the limit is deleted, the oldest one still
 * inside it and today's are kept, and an index of another name is never touched. The suite runs
 * a pass every 5 s (acceptance.yml) instead of every hour.
 */
@Order(140)
class LogRetentionIT extends AbstractAcceptanceTest {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd");

    @Test
    void an_index_older_than_the_retention_is_deleted_and_the_rest_kept() {
        LogStore store = LogStore.of(stack);
        int days = Integer.parseInt(stack.environment().getOrDefault("LOG_RETENTION_DAYS", "7"));
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String expired =
                LogStore.INDICES.replace("*", today.minusDays(days + 1L).format(DAY));
        String ancient = LogStore.INDICES.replace("*", "2000.01.01");
        String oldestKept = LogStore.INDICES.replace("*", today.minusDays(days).format(DAY));
        String current = LogStore.INDICES.replace("*", today.format(DAY));
        String otherName =
                "prodstack-logs-archive-" + today.minusDays(days + 30L).format(DAY);
        for (String index : List.of(expired, ancient, oldestKept, otherName)) {
            store.deleteIndex(index);
            store.createIndex(index);
        }
        try {
            await("the retention pass deletes " + expired + " and " + ancient)
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(store.indices())
                            .as("daily indices with a %d-day retention", days)
                            .doesNotContain(expired, ancient));
            assertThat(store.indices())
                    .as("kept: the oldest day inside the retention, today's (the shipper's), another name")
                    .contains(oldestKept, current, otherName);
        } finally {
            store.deleteIndex(oldestKept);
            store.deleteIndex(otherName);
        }
    }
}
