package org.nezha.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class PrefixedCopyTest {
    private final StringWriter text = new StringWriter();
    private final PrefixedOutput output = new PrefixedOutput(new PrintWriter(text));

    private void copy(String prefix, String childOutput) {
        new PrefixedCopy(new ByteArrayInputStream(childOutput.getBytes(StandardCharsets.UTF_8)), prefix, output).run();
    }

    @Test
    void everyLineIsPrefixedIncludingAnUnfinishedLast() {
        copy("[rank 1] ", "训练开始\nwindows line\r\n\nno newline");
        String n = System.lineSeparator();
        assertEquals("[rank 1] 训练开始" + n + "[rank 1] windows line" + n + "[rank 1] " + n + "[rank 1] no newline" + n, text.toString());
    }

    @Test
    void aProgressBarRedrawsItsPrefixedLine() {
        copy("[rank 0] ", "\rstep 1/3\rstep 2/3\rstep 3/3\ndone\n");
        String n = System.lineSeparator();
        assertEquals("[rank 0] step 1/3\r[rank 0] step 2/3\r[rank 0] step 3/3" + n + "[rank 0] done" + n, text.toString());
    }

    @Test
    void anotherSourceStartsBelowARedrawnLine() {
        copy("[rank 0] ", "\r50%\r60%");
        copy("[rank 1] ", "hello\n");
        String n = System.lineSeparator();
        assertEquals("[rank 0] 50%\r[rank 0] 60%" + n + "[rank 1] hello" + n, text.toString());
    }
}
