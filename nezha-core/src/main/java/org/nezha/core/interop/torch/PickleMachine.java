package org.nezha.core.interop.torch;

import java.math.BigInteger;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.nezha.core.InputException;

/**
 * A pickle reader that builds plain Java values and never runs anything: GLOBALs go through
 * {@link TorchGlobals} (an allow-list), calls (REDUCE, NEWOBJ) only reach the few functions it
 * implements, BUILD state is dropped. Python values become: None → null, bool → Boolean, int → Long
 * (BigInteger beyond 64 bits), float → Double, str → String, bytes → byte[], tuple → unmodifiable
 * List, list → ArrayList, dict → LinkedHashMap, set → LinkedHashSet.
 */
final class PickleMachine {
    private static final int HIGHEST_PROTOCOL = 5;
    private static final Object MARK_SENTINEL = new Object();

    private final Path file;
    private final ByteBuffer in;
    private final Function<Object, Object> persistentLoad;
    private final TorchGlobals globals;
    private final List<Object> stack = new ArrayList<>();
    private final Deque<Integer> marks = new ArrayDeque<>();
    private final Map<Long, Object> memo = new HashMap<>();

    /** Reads one pickle from {@code in}'s position, leaving it just past STOP. */
    static Object load(Path file, ByteBuffer in, Function<Object, Object> persistentLoad) {
        return new PickleMachine(file, in.order(ByteOrder.LITTLE_ENDIAN), persistentLoad).run();
    }

    private PickleMachine(Path file, ByteBuffer in, Function<Object, Object> persistentLoad) {
        this.file = file;
        this.in = in;
        this.persistentLoad = persistentLoad;
        this.globals = new TorchGlobals(file);
    }

    private Object run() {
        try {
            while (true) {
                int op = in.get() & 0xff;
                if (op == '.') {
                    if (stack.size() != 1 || !marks.isEmpty()) throw malformed("STOP with " + stack.size() + " values on the stack");
                    return stack.get(0);
                }
                step(op);
            }
        } catch (BufferUnderflowException e) {
            throw InputException.in(file, "truncated pickle (it ends before its STOP opcode)");
        } catch (ClassCastException | IndexOutOfBoundsException | ArithmeticException | IllegalArgumentException e) {
            throw malformed("inconsistent pickle near byte " + in.position());
        } catch (StackOverflowError e) { // hashing or printing a value that contains itself
            throw malformed("pickle nests too deeply or refers to itself");
        }
    }

    private void step(int op) {
        switch (op) {
            case 0x80 -> { // PROTO
                int protocol = in.get() & 0xff;
                if (protocol > HIGHEST_PROTOCOL) throw malformed("pickle protocol " + protocol + " is newer than 5");
            }
            case 0x95 -> in.getLong(); // FRAME: only a read-ahead hint
            case '(' -> marks.push(stack.size());
            case '0' -> pop();
            case '1' -> popMark();
            case '2' -> push(stack.get(stack.size() - 1));
            case 'N' -> push(null);
            case 0x88 -> push(Boolean.TRUE);
            case 0x89 -> push(Boolean.FALSE);
            case 'K' -> push((long) (in.get() & 0xff));
            case 'M' -> push((long) (in.getShort() & 0xffff));
            case 'J' -> push((long) in.getInt());
            case 0x8a -> push(littleEndianInt(bytes(in.get() & 0xff)));
            case 0x8b -> push(littleEndianInt(bytes(in.getInt())));
            case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); // BINFLOAT is big-endian
            case 'I' -> push(textInt(line()));
            case 'L' -> push(new BigInteger(stripSuffix(line(), "L")).longValueExact());
            case 'F' -> push(Double.parseDouble(line()));
            case 'X' -> push(utf8(bytes(in.getInt())));
            case 0x8c -> push(utf8(bytes(in.get() & 0xff)));
            case 0x8d -> push(utf8(bytes(length(in.getLong()))));
            case 'V' -> push(TextEscapes.rawUnicode(line()));
            case 'S' -> push(TextEscapes.quotedString(line()));
            case 'T' -> push(latin1(bytes(in.getInt())));
            case 'U' -> push(latin1(bytes(in.get() & 0xff)));
            case 'B' -> push(bytes(in.getInt()));
            case 'C' -> push(bytes(in.get() & 0xff));
            case 0x8e, 0x96 -> push(bytes(length(in.getLong())));
            case ')' -> push(Collections.emptyList());
            case 0x85 -> push(tuple(popN(1)));
            case 0x86 -> push(tuple(popN(2)));
            case 0x87 -> push(tuple(popN(3)));
            case 't' -> push(tuple(popMark()));
            case ']' -> push(new ArrayList<>());
            case 'l' -> push(new ArrayList<>(popMark()));
            case '}' -> push(new LinkedHashMap<>());
            case 'd' -> push(dict(new LinkedHashMap<>(), popMark()));
            case 0x8f -> push(new LinkedHashSet<>());
            case 0x91 -> push(Collections.unmodifiableSet(new LinkedHashSet<>(popMark())));
            case 'a' -> { Object v = pop(); list(peek()).add(v); }
            case 'e' -> { List<Object> items = popMark(); list(peek()).addAll(items); }
            case 0x90 -> { List<Object> items = popMark(); set(peek()).addAll(items); }
            case 's' -> { Object v = pop(); Object k = pop(); map(peek()).put(k, v); }
            case 'u' -> { List<Object> items = popMark(); dict(map(peek()), items); }
            case 'p' -> memo.put(Long.parseLong(line()), peek());
            case 'q' -> memo.put((long) (in.get() & 0xff), peek());
            case 'r' -> memo.put(in.getInt() & 0xffffffffL, peek());
            case 0x94 -> memo.put((long) memo.size(), peek());
            case 'g' -> push(memoGet(Long.parseLong(line())));
            case 'h' -> push(memoGet(in.get() & 0xff));
            case 'j' -> push(memoGet(in.getInt() & 0xffffffffL));
            case 'c' -> push(globals.resolve(line(), line()));
            case 0x93 -> { String name = string(pop()); push(globals.resolve(string(pop()), name)); }
            case 'R', 0x81 -> { List<?> args = (List<?>) pop(); push(globals.call(pop(), args)); }
            case 'b' -> pop(); // BUILD: state for an object we model as plain data; nothing to apply
            case 'Q' -> push(persistentLoad.apply(pop()));
            default -> throw malformed(String.format("unsupported pickle opcode 0x%02x at byte %d", op, in.position() - 1));
        }
    }

    private InputException malformed(String problem) {
        return InputException.in(file, problem);
    }

    private void push(Object value) {
        stack.add(value);
    }

    private Object pop() {
        if (stack.size() <= (marks.isEmpty() ? 0 : marks.peek())) throw malformed("pickle pops past its stack");
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        return stack.get(stack.size() - 1);
    }

    private List<Object> popN(int n) {
        List<Object> top = new ArrayList<>(stack.subList(stack.size() - n, stack.size()));
        stack.subList(stack.size() - n, stack.size()).clear();
        return top;
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) throw malformed("pickle uses a MARK it never set");
        return popN(stack.size() - marks.pop());
    }

    private Object memoGet(long key) {
        if (!memo.containsKey(key)) throw malformed("pickle reads memo slot " + key + " before writing it");
        return memo.get(key);
    }

    private static List<Object> tuple(List<Object> items) {
        return Collections.unmodifiableList(items);
    }

    private static Map<Object, Object> dict(Map<Object, Object> target, List<Object> keysAndValues) {
        for (int i = 0; i + 1 < keysAndValues.size(); i += 2) target.put(keysAndValues.get(i), keysAndValues.get(i + 1));
        return target;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> map(Object o) {
        return (Map<Object, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static Collection<Object> set(Object o) {
        return (Collection<Object>) o;
    }

    private String string(Object o) {
        if (o instanceof String s) return s;
        throw malformed("pickle STACK_GLOBAL names are not strings");
    }

    private int length(long n) {
        if (n < 0 || n > in.remaining()) throw new BufferUnderflowException();
        return (int) n;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[length(n)];
        in.get(b);
        return b;
    }

    /** A protocol 0 argument: the bytes up to the next newline. */
    private String line() {
        StringBuilder s = new StringBuilder();
        for (byte b; (b = in.get()) != '\n'; ) s.append((char) (b & 0xff));
        return s.toString();
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static String stripSuffix(String s, String suffix) {
        return s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s;
    }

    /** Protocol 0 writes booleans as I01/I00. */
    private static Object textInt(String s) {
        if (s.equals("01")) return Boolean.TRUE;
        if (s.equals("00")) return Boolean.FALSE;
        return Long.parseLong(s);
    }

    /** LONG1/LONG4: little-endian two's complement; a Long when it fits. */
    private static Object littleEndianInt(byte[] le) {
        if (le.length == 0) return 0L;
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) be[i] = le[le.length - 1 - i];
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }
}
