package dev.lanyard.session.jackson;

import dev.lanyard.session.codec.AllowedClasses;
import tools.jackson.databind.DatabindContext;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.jsontype.PolymorphicTypeValidator;

/**
 * Admits a type id only when {@link AllowedClasses} does: denied names are refused before any
 * class is loaded, names in allowed packages are admitted by name, and anything else is loaded
 * (without initialization) and admitted only if it came from an allowed class directory.
 */
final class AllowListTypeValidator extends PolymorphicTypeValidator.Base {

    private static final long serialVersionUID = 1L;

    private final transient AllowedClasses allowed;

    AllowListTypeValidator(AllowedClasses allowed) {
        this.allowed = allowed;
    }

    @Override
    public Validity validateBaseType(DatabindContext ctxt, JavaType baseType) {
        return Validity.INDETERMINATE;
    }

    @Override
    public Validity validateSubClassName(DatabindContext ctxt, JavaType baseType, String subClassName) {
        String element = elementName(subClassName);
        if (AllowedClasses.isDenied(element)) {
            return Validity.DENIED;
        }
        return allowed.allowsName(element) ? Validity.ALLOWED : Validity.INDETERMINATE;
    }

    @Override
    public Validity validateSubType(DatabindContext ctxt, JavaType baseType, JavaType subType) {
        return allowed.allows(subType.getRawClass()) ? Validity.ALLOWED : Validity.DENIED;
    }

    static String elementName(String name) {
        int dims = 0;
        while (dims < name.length() && name.charAt(dims) == '[') {
            dims++;
        }
        if (dims > 0 && name.length() > dims + 1 && name.charAt(dims) == 'L' && name.endsWith(";")) {
            return name.substring(dims + 1, name.length() - 1);
        }
        return name;
    }
}
