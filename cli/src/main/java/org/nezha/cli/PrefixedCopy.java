package org.nezha.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * Copies a child process's output stream to a {@link PrefixedOutput} until it ends. Lines end at
 * "\n" (or "\r\n"); text ended by a lone "\r" is a progress bar redrawing its line.
 */
final class PrefixedCopy implements Runnable {
    private final InputStream source;
    private final String prefix;
    private final PrefixedOutput output;

    PrefixedCopy(InputStream source, String prefix, PrefixedOutput output) {
        this.source = source;
        this.prefix = prefix;
        this.output = output;
    }

    @Override
    public void run() {
        StringBuilder text = new StringBuilder();
        boolean carriageReturn = false;
        try (Reader in = new InputStreamReader(source, StandardCharsets.UTF_8)) {
            char[] buffer = new char[8192];
            for (int n; (n = in.read(buffer)) != -1; ) {
                for (int i = 0; i < n; i++) {
                    char c = buffer[i];
                    if (c == '\n') {
                        output.line(prefix, text.toString());
                        text.setLength(0);
                    } else {
                        // "\r" followed by anything but "\n": what came before it is a redraw.
                        if (carriageReturn && !text.isEmpty()) {
                            output.redraw(prefix, text.toString());
                            text.setLength(0);
                        }
                        if (c != '\r') text.append(c);
                    }
                    carriageReturn = c == '\r';
                }
            }
        } catch (IOException e) {
            // The pipe broke with the child: keep what arrived.
        }
        if (!text.isEmpty()) output.line(prefix, text.toString());
    }
}
