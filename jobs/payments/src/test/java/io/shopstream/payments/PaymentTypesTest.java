package io.shopstream.payments;

import static org.assertj.core.api.Assertions.assertThat;

import io.shopstream.common.model.PaymentStatus;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The job's own types (the matcher's input and state) are Flink POJOs, never Kryo, and survive a round trip. */
class PaymentTypesTest {

    @Test
    void matcherInputAndStateArePojosWithoutGenericTypes() throws Exception {
        OpenOrder open = new OpenOrder("o-1", "c-1", 1L, 100L, true, 2);
        OrderOrPayment order = OrderOrPayment.of(PaymentScenarios.order("o-1", "c-1", 100, 1L));
        OrderOrPayment payment = OrderOrPayment.of(PaymentScenarios.payment("pay-1", "o-1", 100, PaymentStatus.FAILED, 2L));

        assertThat(roundTrip(OpenOrder.class, List.of(open))).containsExactly(open);
        assertThat(roundTrip(OrderOrPayment.class, List.of(order, payment))).containsExactly(order, payment);
    }

    private static <T> List<T> roundTrip(Class<T> type, List<T> values) throws Exception {
        TypeInformation<T> info = TypeInformation.of(type);
        assertThat(info).isInstanceOf(PojoTypeInfo.class);
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false); // a Kryo serializer anywhere inside would throw
        TypeSerializer<T> serializer = info.createSerializer(config);
        DataOutputSerializer out = new DataOutputSerializer(256);
        for (T value : values) {
            serializer.serialize(value, out);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        return values.stream().map(v -> {
            try {
                return serializer.deserialize(in);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }).toList();
    }
}
