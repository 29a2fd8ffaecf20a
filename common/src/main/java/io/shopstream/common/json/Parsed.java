package io.shopstream.common.json;

import io.shopstream.common.model.DeadLetter;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * One input record after decoding: either a usable {@code value} or the {@code deadLetter} that
 * says why not. Exactly one of the two is set. Serialized by Flink as a POJO.
 */
@TypeInfo(Parsed.ParsedTypeInfoFactory.class)
public final class Parsed<T> {

    public T value;
    public DeadLetter deadLetter;

    public Parsed() {}

    private Parsed(T value, DeadLetter deadLetter) {
        this.value = value;
        this.deadLetter = deadLetter;
    }

    public static <T> Parsed<T> ok(T value) {
        return new Parsed<>(value, null);
    }

    public static <T> Parsed<T> failed(DeadLetter deadLetter) {
        return new Parsed<>(null, deadLetter);
    }

    public boolean isOk() {
        return deadLetter == null;
    }

    /** Flink type information for {@code Parsed<T>} given that of {@code T}. */
    public static <T> TypeInformation<Parsed<T>> typeInfo(TypeInformation<T> valueType) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeInformation<Parsed<T>> info =
                (TypeInformation)
                        Types.POJO(
                                Parsed.class,
                                Map.of("value", valueType, "deadLetter", TypeInformation.of(DeadLetter.class)));
        return info;
    }

    public static <T> TypeInformation<Parsed<T>> typeInfo(Class<T> valueClass) {
        return typeInfo(TypeInformation.of(valueClass));
    }

    @Override
    public String toString() {
        return isOk() ? "Parsed[" + value + "]" : "Parsed[" + deadLetter + "]";
    }

    /** Lets Flink's type extraction build the POJO type for any {@code Parsed<T>}. */
    public static final class ParsedTypeInfoFactory<T> extends TypeInfoFactory<Parsed<T>> {
        @Override
        public TypeInformation<Parsed<T>> createTypeInfo(
                Type type, Map<String, TypeInformation<?>> genericParameters) {
            @SuppressWarnings("unchecked")
            TypeInformation<T> valueType = (TypeInformation<T>) genericParameters.get("T");
            return typeInfo(valueType);
        }
    }
}
