package io.shopstream.common.config;

/** A bad start-up configuration: an unknown key, an invalid value, a malformed argument. */
public final class ConfigException extends IllegalArgumentException {

    public ConfigException(String message) {
        super(message);
    }
}
