package org.nezha.core.data;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.nezha.core.InputException;
import org.nezha.core.OptionChecks;
import org.nezha.core.corpus.ShardedCorpus;
import org.nezha.core.corpus.TokenCorpus;
import org.nezha.core.io.AtomicFiles;
import org.nezha.core.io.FileTrees;
import org.nezha.core.io.IoErrors;
import org.nezha.core.io.MappedFiles;
import org.nezha.core.io.OutputPaths;
import org.nezha.core.pipeline.Progress;
import org.nezha.core.tokenizer.Vocab;

/**
 * Static masking, as Google's create_pretraining_data and NEZHA's recipe do it: {@code copies}
 * masked versions of every instance fixed once, beside the shards ({@code nezha prepare
 * --dupe-factor}), then used in turn by {@code pretrain --static-masks}: epoch e reads copy e mod
 * copies. Unlike Google's script, every copy shares one packing (the instances are packed once per
 * sequence length); copy c holds exactly the masks dynamic masking with the same seed draws in epoch
 * c, so static masking with as many copies as epochs trains exactly as dynamic masking does.
 * Layout: {@code static-masks.json} (the settings, written last), and per sequence length L
 * {@code static/seq-L/instances.bin} (the packed instances), {@code copy-C.offsets} (int64 per
 * instance and one past the end: where its masks start) and {@code copy-C.masks} (per masked token
 * two little-endian int32: the position in [CLS] A [SEP] B [SEP] and the id put there).
 */
public final class StaticMasks {
    public static final String FILE_NAME = "static-masks.json";
    private static final String DIR = "static";
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * What the stored copies were made with; pretrain takes its masking settings from here. {@code corpus}
     * is the summary of the shards they belong to, checked when they are opened.
     */
    public record Settings(int copies, List<Integer> seqLens, MaskingScheme masking, double maskProb, int maxPredictions,
            double shortSeqProb, boolean nextSentence, long seed, String corpus) {
        public Settings {
            OptionChecks.atLeast("--dupe-factor", copies, 1);
            OptionChecks.openFraction("--mask-prob", maskProb);
            OptionChecks.atLeast("--max-predictions", maxPredictions, 1);
            OptionChecks.probability("--short-seq-prob", shortSeqProb);
        }

        Settings forCorpus(TokenCorpus shards) {
            return new Settings(copies, seqLens, masking, maskProb, maxPredictions, shortSeqProb, nextSentence, seed,
                    shards.summary());
        }
    }

    private StaticMasks() {}

    /**
     * Packs and masks the shards in {@code dir} (prepared with {@code vocab}) for each sequence length of
     * {@code s} and writes the copies, replacing any earlier ones.
     */
    public static void write(Path dir, Vocab vocab, Settings s, Progress progress) {
        remove(dir);
        SpecialTokens specials = SpecialTokens.of(vocab);
        try (ShardedCorpus shards = ShardedCorpus.open(dir)) {
            write(shards, dir, specials, s.forCorpus(shards), progress);
        }
    }

    /** Deletes the copies in {@code dir}, if any: they belong to the corpus that was there before. */
    public static void remove(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(FILE_NAME)); // first: what is left without it is never read
            FileTrees.deleteRecursively(dir.resolve(DIR));
        } catch (IOException e) {
            throw InputException.in(dir.resolve(DIR), "cannot remove the earlier static masks: " + IoErrors.reason(e));
        }
    }

    private static void write(TokenCorpus corpus, Path dir, SpecialTokens specials, Settings s, Progress progress) {
        MlmMasker masker = new MlmMasker(specials, s.maskProb(), s.maxPredictions(), s.masking());
        for (int seqLen : s.seqLens()) {
            Path lengthDir = dir.resolve(DIR).resolve("seq-" + seqLen);
            OutputPaths.createDirectory(lengthDir);
            InstancePacker packer = new InstancePacker(corpus, seqLen, s.shortSeqProb(), s.nextSentence());
            try (InstanceTable instances = InstanceTable.inFile(packer, s.seed(), lengthDir.resolve("instances.bin"))) {
                MlmBatcher batcher = new MlmBatcher(corpus, instances, masker, 1, 0, s.seed(), RankSlice.ALL, s.nextSentence());
                progress.begin("mask seq " + seqLen, (long) s.copies() * instances.size());
                for (int copy = 0; copy < s.copies(); copy++) writeCopy(batcher, instances.size(), copy, lengthDir, progress);
                progress.end();
            }
        }
        AtomicFiles.writeStream(dir.resolve(FILE_NAME), out -> JSON.writeValue(out, s));
    }

    private static void writeCopy(MlmBatcher batcher, int items, int copy, Path lengthDir, Progress progress) {
        ByteBuffer offsets = ByteBuffer.allocate(Long.BYTES * (items + 1)).order(ByteOrder.LITTLE_ENDIAN);
        AtomicFiles.write(lengthDir.resolve("copy-" + copy + ".masks"), out -> {
            ByteBuffer buffer = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            long written = 0;
            for (int item = 0; item < items; item++) {
                offsets.putLong(written);
                MlmInstance instance = batcher.instance(copy, item);
                for (int position : instance.maskedPositions()) {
                    if (buffer.remaining() < 2 * Integer.BYTES) drain(buffer, out);
                    buffer.putInt(position).putInt(instance.inputIds()[position]);
                    written++;
                }
                if (item % 4096 == 4095) progress.advance((long) copy * items + item + 1, null);
            }
            offsets.putLong(written);
            drain(buffer, out);
        });
        AtomicFiles.writeBytes(lengthDir.resolve("copy-" + copy + ".offsets"), offsets.array());
    }

    private static void drain(ByteBuffer buffer, FileChannel out) throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) out.write(buffer);
        buffer.clear();
    }

    /** The settings of the copies in {@code dir}, or an error saying none were made. */
    public static Settings read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        try {
            return JSON.readValue(Files.readAllBytes(file), Settings.class);
        } catch (NoSuchFileException e) {
            throw InputException.in(file, "not found: these shards have no static masks (make them with nezha prepare "
                    + "--dupe-factor N, or train with dynamic masks: leave out --static-masks)");
        } catch (JacksonException e) {
            throw InputException.in(file, "invalid: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw InputException.in(file, "cannot read: " + IoErrors.reason(e));
        }
    }

    /** The stored instances and masks for one sequence length, mapped from disk. */
    public static final class Stored implements MlmBatcher.Masks, AutoCloseable {
        private final Arena arena = Arena.ofShared();
        private InstanceTable instances;
        private final List<MemorySegment> offsets = new ArrayList<>();
        private final List<MemorySegment> masks = new ArrayList<>();
        private final Path lengthDir;

        private Stored(Path dir, Settings settings, int seqLen) {
            lengthDir = dir.resolve(DIR).resolve("seq-" + seqLen);
            try {
                instances = InstanceTable.map(lengthDir.resolve("instances.bin"));
                for (int copy = 0; copy < settings.copies(); copy++) {
                    Path offsetFile = lengthDir.resolve("copy-" + copy + ".offsets");
                    MemorySegment o = mapped(offsetFile);
                    if (o.byteSize() != Long.BYTES * (instances.size() + 1L)) {
                        throw InputException.in(offsetFile, "has " + o.byteSize() + " bytes, " + Long.BYTES * (instances.size() + 1L)
                                + " expected for " + instances.size() + " instances (truncated or from another packing)");
                    }
                    Path maskFile = lengthDir.resolve("copy-" + copy + ".masks");
                    MemorySegment m = mapped(maskFile);
                    if (m.byteSize() != 2L * Integer.BYTES * o.get(LONG, (long) instances.size() * Long.BYTES)) {
                        throw InputException.in(maskFile, "truncated: its size disagrees with " + offsetFile.getFileName());
                    }
                    offsets.add(o);
                    masks.add(m);
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        /** Opens the copies for {@code seqLen}; the shards must have been prepared with static masks for it. */
        public static Stored open(ShardedCorpus shards, Path dir, int seqLen) {
            Settings settings = read(dir);
            if (!settings.corpus().equals(shards.summary())) {
                throw InputException.in(dir.resolve(FILE_NAME), "belongs to another corpus (" + settings.corpus() + ", the shards hold "
                        + shards.summary() + "): make the static masks again with nezha prepare --dupe-factor");
            }
            if (!settings.seqLens().contains(seqLen)) {
                throw InputException.in(dir.resolve(FILE_NAME), "has static masks for --seq-len " + settings.seqLens()
                        + ", not " + seqLen);
            }
            return new Stored(dir, settings, seqLen);
        }

        private MemorySegment mapped(Path file) {
            return MappedFiles.map(file, arena, "not found (static masks incomplete: prepare the shards again)");
        }

        public InstanceTable instances() {
            return instances;
        }

        @Override
        public MlmMasker.Masked mask(int epoch, int item, int[] input, boolean[] wordStarts) {
            int copy = epoch % masks.size();
            MemorySegment o = offsets.get(copy);
            long from = o.get(LONG, (long) item * Long.BYTES);
            int count = Math.toIntExact(o.get(LONG, (item + 1L) * Long.BYTES) - from);
            MemorySegment m = masks.get(copy);
            int[] positions = new int[count];
            int[] labels = new int[count];
            for (int k = 0; k < count; k++) {
                long at = (from + k) * 2 * Integer.BYTES;
                int position = m.get(INT, at);
                if (position <= 0 || position >= input.length) {
                    throw InputException.in(lengthDir.resolve("copy-" + copy + ".masks"), "position " + position
                            + " outside instance " + item + " (" + input.length + " tokens): corrupt or from other shards");
                }
                positions[k] = position;
                labels[k] = input[position];
                input[position] = m.get(INT, at + Integer.BYTES);
            }
            return new MlmMasker.Masked(positions, labels);
        }

        @Override
        public void close() {
            if (instances != null) instances.close();
            arena.close();
        }
    }
}
