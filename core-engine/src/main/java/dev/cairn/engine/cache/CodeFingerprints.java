package dev.cairn.engine.cache;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import dev.cairn.engine.artifacts.ContentHash;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.FieldNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.MultiANewArrayInsnNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.apiguardian.api.API;

/**
 * A hash of the code a step runs, read from bytecode: the step method and every method of the user's own code
 * base that it reaches (calls, constructors, static initialisers of classes whose static fields it reads, lambda
 * bodies and method references), found by following the instructions with ASM.
 *
 * <p>The rule for "the user's own code base": a class belongs to it when it is loaded from the same code source
 * (jar or class directory) as the step's class, or from any class directory (code under development). Classes
 * from other jars (libraries, Cairn itself when packaged) and from the JDK are not followed: upgrading a library
 * jar does not invalidate the cache; bump the step's cache parameters when a library change should.
 *
 * <p>Line numbers, local variable names and stack frames are left out, so reformatting or commenting code does
 * not change the hash. Calls through interfaces or abstract methods are followed to the declared method only,
 * not to every implementation. Results are cached per method; thread-safe.
 */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class CodeFingerprints {
    private final Map<Method, String> byMethod = new ConcurrentHashMap<>();
    private final Map<String, Optional<ClassNode>> classes = new ConcurrentHashMap<>();

    /** The hex SHA-256 fingerprint of {@code step} and the user code it reaches. */
    public String of(Method step) {
        return byMethod.computeIfAbsent(step, this::compute);
    }

    private String compute(Method step) {
        Class<?> root = step.getDeclaringClass();
        ClassLoader loader = root.getClassLoader() != null ? root.getClassLoader() : ClassLoader.getSystemClassLoader();
        String rootLocation = location(root);
        Map<String, String> methodHashes = new TreeMap<>();
        Deque<String[]> pending = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        Map<String, Boolean> userCode = new HashMap<>();
        pending.add(new String[] {Type.getInternalName(root), step.getName(), Type.getMethodDescriptor(step)});
        while (!pending.isEmpty()) {
            String[] next = pending.poll();
            String key = next[0] + "." + next[1] + next[2];
            if (!seen.add(key)) {
                continue;
            }
            Optional<MethodWithOwner> found = findMethod(next[0], next[1], next[2], loader);
            if (found.isEmpty()) {
                methodHashes.put(key, "unresolved");
                continue;
            }
            MethodWithOwner method = found.get();
            methodHashes.put(key, hashMethod(method, reference -> {
                if (isUserCode(reference[0], loader, rootLocation, userCode)) {
                    pending.add(reference);
                }
            }));
        }
        MessageDigest digest = ContentHash.sha256();
        methodHashes.forEach((key, hash) -> {
            digest.update(key.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '=');
            digest.update(hash.getBytes(StandardCharsets.US_ASCII));
            digest.update((byte) '\n');
        });
        return HexFormat.of().formatHex(digest.digest());
    }

    private record MethodWithOwner(ClassNode owner, MethodNode method) {}

    private Optional<MethodWithOwner> findMethod(String owner, String name, String descriptor, ClassLoader loader) {
        String current = owner;
        Deque<String> interfaces = new ArrayDeque<>();
        while (current != null) {
            Optional<ClassNode> node = classNode(current, loader);
            if (node.isEmpty()) {
                return Optional.empty();
            }
            for (MethodNode method : node.get().methods) {
                if (method.name.equals(name) && method.desc.equals(descriptor)) {
                    return Optional.of(new MethodWithOwner(node.get(), method));
                }
            }
            interfaces.addAll(node.get().interfaces);
            current = node.get().superName;
        }
        while (!interfaces.isEmpty()) {
            String type = interfaces.poll();
            Optional<ClassNode> node = classNode(type, loader);
            if (node.isEmpty()) {
                continue;
            }
            for (MethodNode method : node.get().methods) {
                if (method.name.equals(name) && method.desc.equals(descriptor)) {
                    return Optional.of(new MethodWithOwner(node.get(), method));
                }
            }
            interfaces.addAll(node.get().interfaces);
        }
        return Optional.empty();
    }

    private Optional<ClassNode> classNode(String internalName, ClassLoader loader) {
        return classes.computeIfAbsent(loader.hashCode() + "/" + internalName, key -> {
            try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
                if (in == null) {
                    return Optional.empty();
                }
                ClassNode node = new ClassNode();
                new ClassReader(in).accept(node, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
                return Optional.of(node);
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }

    private boolean isUserCode(String internalName, ClassLoader loader, String rootLocation, Map<String, Boolean> cache) {
        return cache.computeIfAbsent(internalName, name -> {
            if (name.startsWith("java/") || name.startsWith("javax/") || name.startsWith("jdk/") || name.startsWith("sun/") || name.startsWith("com/sun/")
                    || name.startsWith("[")) {
                return false;
            }
            URL resource = loader.getResource(name + ".class");
            if (resource == null) {
                return false;
            }
            String text = resource.toString();
            if (rootLocation != null && text.startsWith(rootLocation)) {
                return true;
            }
            return "file".equals(resource.getProtocol());
        });
    }

    private static String location(Class<?> type) {
        CodeSource source = type.getProtectionDomain() == null ? null : type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return null;
        }
        String location = source.getLocation().toString();
        return location.endsWith(".jar") ? "jar:" + location + "!/" : location;
    }

    /** Hashes a method's code, reporting every method it reaches as {owner, name, descriptor}. */
    private static String hashMethod(MethodWithOwner target, java.util.function.Consumer<String[]> reaches) {
        MethodNode method = target.method();
        MessageDigest digest = ContentHash.sha256();
        StringBuilder text = new StringBuilder(256);
        text.append(method.access).append(' ').append(method.name).append(method.desc).append('\n');
        Map<LabelNode, Integer> labels = new IdentityHashMap<>();
        int position = 0;
        for (AbstractInsnNode instruction = method.instructions.getFirst(); instruction != null; instruction = instruction.getNext()) {
            if (instruction instanceof LabelNode label) {
                labels.put(label, position);
            }
            position++;
        }
        for (AbstractInsnNode instruction = method.instructions.getFirst(); instruction != null; instruction = instruction.getNext()) {
            int opcode = instruction.getOpcode();
            if (opcode < 0 && !(instruction instanceof LabelNode)) {
                continue; // line numbers and frames
            }
            text.append(opcode);
            if (instruction instanceof LabelNode label) {
                text.append('L').append(labels.get(label));
            } else if (instruction instanceof MethodInsnNode call) {
                text.append(' ').append(call.owner).append('.').append(call.name).append(call.desc);
                reaches.accept(new String[] {call.owner, call.name, call.desc});
            } else if (instruction instanceof FieldInsnNode field) {
                text.append(' ').append(field.owner).append('.').append(field.name).append(':').append(field.desc);
                if (opcode == Opcodes.GETSTATIC || opcode == Opcodes.PUTSTATIC) {
                    reaches.accept(new String[] {field.owner, "<clinit>", "()V"});
                }
            } else if (instruction instanceof TypeInsnNode type) {
                text.append(' ').append(type.desc);
            } else if (instruction instanceof LdcInsnNode ldc) {
                text.append(' ').append(ldc.cst.getClass().getSimpleName()).append(':').append(ldc.cst);
            } else if (instruction instanceof IntInsnNode integer) {
                text.append(' ').append(integer.operand);
            } else if (instruction instanceof VarInsnNode variable) {
                text.append(' ').append(variable.var);
            } else if (instruction instanceof IincInsnNode increment) {
                text.append(' ').append(increment.var).append(' ').append(increment.incr);
            } else if (instruction instanceof JumpInsnNode jump) {
                text.append(" L").append(labels.get(jump.label));
            } else if (instruction instanceof TableSwitchInsnNode table) {
                text.append(' ').append(table.min).append(' ').append(table.max).append(" L").append(labels.get(table.dflt));
                table.labels.forEach(l -> text.append(" L").append(labels.get(l)));
            } else if (instruction instanceof LookupSwitchInsnNode lookup) {
                text.append(' ').append(lookup.keys).append(" L").append(labels.get(lookup.dflt));
                lookup.labels.forEach(l -> text.append(" L").append(labels.get(l)));
            } else if (instruction instanceof MultiANewArrayInsnNode array) {
                text.append(' ').append(array.desc).append(' ').append(array.dims);
            } else if (instruction instanceof InvokeDynamicInsnNode dynamic) {
                text.append(' ').append(dynamic.name).append(dynamic.desc).append(' ').append(handle(dynamic.bsm, reaches));
                for (Object argument : dynamic.bsmArgs) {
                    text.append(' ').append(argument instanceof Handle h ? handle(h, reaches) : String.valueOf(argument));
                }
            }
            text.append('\n');
        }
        for (TryCatchBlockNode block : method.tryCatchBlocks) {
            text.append("try L").append(labels.get(block.start)).append(" L").append(labels.get(block.end)).append(" L")
                    .append(labels.get(block.handler)).append(' ').append(block.type).append('\n');
        }
        if (method.name.equals("<clinit>")) {
            for (FieldNode field : target.owner().fields) {
                if ((field.access & Opcodes.ACC_STATIC) != 0) {
                    text.append("static ").append(field.name).append(':').append(field.desc).append('=').append(field.value).append('\n');
                }
            }
        }
        digest.update(text.toString().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String handle(Handle handle, java.util.function.Consumer<String[]> reaches) {
        reaches.accept(new String[] {handle.getOwner(), handle.getName(), handle.getDesc()});
        return handle.getTag() + ":" + handle.getOwner() + "." + handle.getName() + handle.getDesc();
    }
}
