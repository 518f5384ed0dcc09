package io.stowage.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one sanitiser of the audit and access log lines. */
class LogTextTest {

    @Test
    void nothingAClientSendsCanBreakTheLine() {
        for (String breaker : new String[] {"\r\n", "\n", "\r", "\u000b", "\f", "\u0085", "\u2028", "\u2029",
                "\u001b[31m", "\u202e", "\u0000"}) {
            String clean = LogText.of("x" + breaker + "INFO forged", 200);
            assertThat(clean).startsWith("x_").endsWith("INFO forged").doesNotContainPattern("[\\p{Cc}\\p{Cf}"
                    + "\\p{Zl}\\p{Zp}]");
        }
        assertThat(LogText.of("caf\u00e9 \u00fcber \u4e2d", 200)).as("printable text is kept").isEqualTo(
                "caf\u00e9 \u00fcber \u4e2d");
        assertThat(LogText.of("{\"admin\":true}", 200)).as("quotes, outside quotes").isEqualTo("{\"admin\":true}");
        assertThat(LogText.quotable("say \"hi\" \\ bye", 200)).isEqualTo("say _hi_ _ bye");
        assertThat(LogText.of(null, 200)).isEqualTo("-");
    }

    @Test
    void longValuesAreCutWithoutSplittingACharacter() {
        assertThat(LogText.of("a".repeat(1000), 200)).hasSize(200);
        String emoji = "a".repeat(199) + "\ud83d\ude00";
        assertThat(LogText.of(emoji, 200)).isEqualTo("a".repeat(199));
    }
}
