package org.nezha.core.interop.torch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.bytedeco.pytorch.Tensor;

import org.nezha.core.InputException;
import org.nezha.core.io.IoErrors;

/**
 * torch's zip format (torch.save since 1.6): {@code ARCHIVE/data.pkl} pickles the state dict with
 * persistent ids {@code ('storage', type, key, location, numel)}, and {@code ARCHIVE/data/KEY} holds each
 * storage's bytes in the order {@code ARCHIVE/byteorder} names (little unless stated).
 */
final class ZipCheckpoint implements TorchFile {
    private static final String PICKLE = "data.pkl";

    private final Path file;
    private final ZipFile zip;
    private final String prefix;
    private final List<NamedTensor> tensors;

    ZipCheckpoint(Path file) {
        this.file = file;
        try {
            zip = new ZipFile(file.toFile());
        } catch (IOException e) {
            throw InputException.in(file, "not a readable zip archive (truncated?): " + IoErrors.reason(e));
        }
        try {
            prefix = archivePrefix();
            checkByteOrder();
            Object root = PickleMachine.load(file, ByteBuffer.wrap(entryBytes(PICKLE)), pid -> StateDict.storage(file, pid, 5));
            tensors = StateDict.tensors(file, root);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** torch names the archive's single top-level folder after the file; find it by its data.pkl. */
    private String archivePrefix() {
        return zip.stream().map(ZipEntry::getName).filter(n -> n.endsWith("/" + PICKLE) && n.indexOf('/') == n.length() - PICKLE.length() - 1)
                .findFirst().map(n -> n.substring(0, n.length() - PICKLE.length()))
                .orElseThrow(() -> InputException.in(file, "zip archive has no ARCHIVE/data.pkl, so it is not a torch checkpoint"));
    }

    private void checkByteOrder() {
        if (zip.getEntry(prefix + "byteorder") == null) return;
        String order = new String(entryBytes("byteorder"), StandardCharsets.US_ASCII).trim();
        if (!order.equals("little")) throw InputException.in(file, "storages are stored " + order + "-endian; only little-endian is supported");
    }

    private byte[] entryBytes(String name) {
        ZipEntry entry = zip.getEntry(prefix + name);
        if (entry == null) throw InputException.in(file, "zip archive lacks " + prefix + name);
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw InputException.in(file, "cannot read " + prefix + name + ": " + IoErrors.reason(e));
        }
    }

    @Override
    public Path path() {
        return file;
    }

    @Override
    public String format() {
        return "PyTorch zip (torch.save since 1.6)";
    }

    @Override
    public List<NamedTensor> tensors() {
        return tensors;
    }

    @Override
    public Tensor readStorage(StorageRef storage) {
        String name = prefix + "data/" + storage.key();
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) throw InputException.in(file, "storage " + name + " is missing from the zip archive");
        long needed = storage.numel() * storage.type().elementBytes;
        if (entry.getSize() >= 0 && entry.getSize() < needed) {
            throw InputException.in(file, "storage " + name + " holds " + entry.getSize() + " bytes, fewer than its "
                    + storage.numel() + " " + storage.type() + " elements need");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            return StorageBytes.read(Channels.newChannel(in), storage.type(), storage.numel());
        } catch (IOException e) {
            throw InputException.in(file, "cannot read storage " + name + ": " + IoErrors.reason(e));
        }
    }

    @Override
    public void close() {
        try {
            zip.close();
        } catch (IOException e) {
            throw InputException.in(file, "cannot close: " + IoErrors.reason(e));
        }
    }
}
