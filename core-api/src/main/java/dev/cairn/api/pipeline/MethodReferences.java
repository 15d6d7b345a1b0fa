package dev.cairn.api.pipeline;

import java.io.Serializable;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.util.Optional;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;

/** Finds the method behind a serializable method reference through its {@link SerializedLambda}. */
final class MethodReferences {
    private MethodReferences() {}

    record Target(Method method, Optional<Object> receiver) {}

    static SerializedLambda serializedForm(Serializable reference) {
        try {
            Method writeReplace = reference.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            Object replaced = writeReplace.invoke(reference);
            if (replaced instanceof SerializedLambda lambda) {
                return lambda;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new CairnException(ErrorCode.INVALID_STEP_METHOD,
                    "Cannot read the method behind " + reference.getClass().getName() + ": pass a method reference such as Steps::train", e);
        }
        throw new CairnException(ErrorCode.INVALID_STEP_METHOD,
                "Cannot read the method behind " + reference.getClass().getName() + ": pass a method reference such as Steps::train");
    }

    static Target resolve(Serializable reference) {
        SerializedLambda lambda = serializedForm(reference);
        String implName = lambda.getImplMethodName();
        String className = lambda.getImplClass().replace('/', '.');
        if (implName.startsWith("lambda$")) {
            throw new CairnException(ErrorCode.INVALID_STEP_METHOD,
                    "A lambda was passed as a step (in " + className + "): pass a method reference to a @Step method instead, such as MySteps::train");
        }
        Class<?> implClass;
        try {
            implClass = Class.forName(className, false, reference.getClass().getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new CairnException(ErrorCode.INVALID_STEP_METHOD, "Cannot load class " + className + " of a step method reference", e);
        }
        Method method = findMethod(implClass, implName, lambda.getImplMethodSignature());
        int kind = lambda.getImplMethodKind();
        if (kind == MethodHandleInfo.REF_invokeStatic) {
            return new Target(method, Optional.empty());
        }
        if (kind == MethodHandleInfo.REF_newInvokeSpecial) {
            throw new CairnException(ErrorCode.INVALID_STEP_METHOD,
                    "A constructor reference (" + className + "::new) cannot be a step: wrap it in a @Step method");
        }
        if (lambda.getCapturedArgCount() == 1) {
            return new Target(method, Optional.of(lambda.getCapturedArg(0)));
        }
        throw new CairnException(ErrorCode.INVALID_STEP_METHOD,
                "Step " + className + "#" + implName + " is an instance method referenced without an instance: use a bound reference (myObject::" + implName + ") or make the method static");
    }

    private static Method findMethod(Class<?> type, String name, String descriptor) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(name) && descriptor(m).equals(descriptor)) {
                    return m;
                }
            }
        }
        for (Class<?> i : type.getInterfaces()) {
            for (Method m : i.getMethods()) {
                if (m.getName().equals(name) && descriptor(m).equals(descriptor)) {
                    return m;
                }
            }
        }
        throw new CairnException(ErrorCode.INVALID_STEP_METHOD, "Cannot find method " + type.getName() + "#" + name + descriptor);
    }

    static String descriptor(Method method) {
        StringBuilder out = new StringBuilder("(");
        for (Class<?> p : method.getParameterTypes()) {
            out.append(p.descriptorString());
        }
        return out.append(')').append(method.getReturnType().descriptorString()).toString();
    }
}
