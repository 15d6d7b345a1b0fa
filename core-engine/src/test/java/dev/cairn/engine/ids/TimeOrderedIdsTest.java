package dev.cairn.engine.ids;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class TimeOrderedIdsTest {
    @Test
    void idsAreVersion7UniqueAndSortInCreationOrder() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            UUID id = TimeOrderedIds.next();
            assertThat(id.version()).isEqualTo(7);
            assertThat(id.variant()).isEqualTo(2);
            ids.add(id.toString());
        }
        assertThat(new HashSet<>(ids)).hasSize(ids.size());
        assertThat(ids).isSorted();
        long millis = UUID.fromString(ids.get(0)).getMostSignificantBits() >>> 16;
        assertThat(millis).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
    }
}
