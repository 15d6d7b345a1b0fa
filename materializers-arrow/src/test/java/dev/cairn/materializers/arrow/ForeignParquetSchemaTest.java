package dev.cairn.materializers.arrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;

/** The Arrow schema of Parquet files another tool wrote (a Spark Dataset's parts), read by their own column types. */
class ForeignParquetSchemaTest {
    @Test
    void sparkStyleFlatColumnsMapToArrowTypesWithTheirNullability() {
        MessageType spark = MessageTypeParser.parseMessageType("message spark_schema {"
                + " required int64 id; optional binary category (STRING); optional double amount; optional int32 count;"
                + " optional boolean flag; optional int32 day (DATE); optional int64 at (TIMESTAMP(MICROS,true));"
                + " optional float ratio; optional binary raw; }");
        Schema schema = ForeignParquetSchemas.toArrow(spark);
        assertThat(schema.getFields()).extracting(Field::getName)
                .containsExactly("id", "category", "amount", "count", "flag", "day", "at", "ratio", "raw");
        assertThat(schema.getFields()).extracting(field -> field.getType()).containsExactly(new ArrowType.Int(64, true), ArrowType.Utf8.INSTANCE,
                new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE), new ArrowType.Int(32, true), ArrowType.Bool.INSTANCE,
                new ArrowType.Date(DateUnit.DAY), new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"),
                new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE), ArrowType.Binary.INSTANCE);
        assertThat(schema.getFields().get(0).isNullable()).isFalse();
        assertThat(schema.getFields().get(1).isNullable()).isTrue();
        assertThat(ForeignParquetSchemas.select(spark, new Schema(java.util.List.of(schema.getFields().get(2), schema.getFields().get(0)))).getFields())
                .extracting(org.apache.parquet.schema.Type::getName).containsExactly("amount", "id");
    }

    @Test
    void int96IsANanosecondUtcTimestampAndNestedAndUnsignedColumnsMap() {
        Schema schema = ForeignParquetSchemas.toArrow(MessageTypeParser.parseMessageType("message m { required int64 id; optional int96 ts;"
                + " optional group point { required double x; } optional int32 u (INTEGER(32,false)); }"));
        assertThat(schema.getFields()).extracting(Field::getType).containsExactly(new ArrowType.Int(64, true),
                new ArrowType.Timestamp(TimeUnit.NANOSECOND, "UTC"), ArrowType.Struct.INSTANCE, new ArrowType.Int(32, false));
    }

    @Test
    void typesWithoutAnArrowMappingAreRefusedNamingTheColumnPathAndItsParquetType() {
        assertThatThrownBy(() -> ForeignParquetSchemas.toArrow(MessageTypeParser.parseMessageType(
                "message m { optional group outer { optional fixed_len_byte_array(12) waited (INTERVAL); } }")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'outer.waited'")
                .hasMessageContaining("fixed_len_byte_array(12) waited (INTERVAL)");
        assertThatThrownBy(() -> ForeignParquetSchemas.toArrow(MessageTypeParser.parseMessageType("message m { repeated int32 bare; }")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bare'").hasMessageContaining("repeated field outside a LIST");
        assertThatThrownBy(() -> ForeignParquetSchemas.toArrow(MessageTypeParser.parseMessageType(
                "message m { optional group l (LIST) { repeated group list { optional int32 element; } repeated int32 other; } }")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'l'").hasMessageContaining("exactly one repeated field");
    }
}
