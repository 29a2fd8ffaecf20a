package io.shopstream.common.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.shopstream.common.enrich.EventOrCustomer;
import io.shopstream.common.enrich.HeldQueue;
import io.shopstream.common.enrich.PendingEvent;
import io.shopstream.common.json.Parsed;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every type that crosses the network or lives in state is a Flink POJO, never Kryo. */
class NoKryoTest {

    static List<Class<?>> modelTypes() {
        return List.of(
                Product.class, Customer.class, ProductUpdate.class, CustomerUpdate.class, Event.class,
                EnrichedEvent.class, Payment.class, DeadLetter.class, CategoryStats.class, Session.class,
                PaidOrder.class, UnpaidOrder.class, OrphanedPayment.class, PendingEvent.class,
                EventOrCustomer.class, HeldQueue.class);
    }

    @ParameterizedTest
    @MethodSource("modelTypes")
    void isAPojoSerializedWithoutGenericTypes(Class<?> type) {
        TypeInformation<?> info = TypeInformation.of(type);
        assertThat(info).isInstanceOf(PojoTypeInfo.class);
        assertNoGenericTypes(info);
    }

    @org.junit.jupiter.api.Test
    void parsedIsAPojoOfItsValueType() {
        TypeInformation<Parsed<Event>> info = TypeInformation.of(new TypeHint<Parsed<Event>>() {});
        assertThat(info).isInstanceOf(PojoTypeInfo.class);
        assertThat(((PojoTypeInfo<?>) info).getTypeAt("value")).isEqualTo(TypeInformation.of(Event.class));
        assertNoGenericTypes(info);
        assertThat(Parsed.typeInfo(Event.class)).isEqualTo(info);
    }

    private static void assertNoGenericTypes(TypeInformation<?> info) {
        assertThat(info).isNotInstanceOf(GenericTypeInfo.class);
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false); // creating a Kryo serializer anywhere inside now throws
        assertThatCode(() -> info.createSerializer(config)).doesNotThrowAnyException();
    }
}
