package io.stowage.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.core.convert.ConversionFailedException;
import org.springframework.format.support.DefaultFormattingConversionService;

/**
 * The /v2/ listings' {@code n} as Spring MVC converts the query parameter (the same conversion service kind it
 * uses): decimal counts from zero, a huge one capped rather than refused, anything else a conversion failure.
 */
class PaginationTest {

    private final DefaultFormattingConversionService conversion = new DefaultFormattingConversionService();

    @Test
    void decimalCountsFromZero() {
        assertThat(convert("0")).isEqualTo(new Pagination(0));
        assertThat(convert("5")).isEqualTo(new Pagination(5));
        assertThat(convert("+5")).isEqualTo(new Pagination(5));
        assertThat(convert("007")).isEqualTo(new Pagination(7));
        assertThat(convert("2147483647")).isEqualTo(new Pagination(Integer.MAX_VALUE));
    }

    @Test
    void aCountBeyondAnyPageAsksForTheLargest() {
        assertThat(convert("2147483648")).isEqualTo(new Pagination(Integer.MAX_VALUE));
        assertThat(convert("99999999999999999999")).isEqualTo(new Pagination(Integer.MAX_VALUE));
        assertThat(convert("0000000000000000000001")).isEqualTo(new Pagination(1));
    }

    @Test
    void anEmptyValueIsNoValue() {
        assertThat(convert("")).isNull();
        assertThat(Pagination.limit(null)).isNull();
        assertThat(Pagination.limit(new Pagination(3))).isEqualTo(3);
    }

    @Test
    void anythingButDigitsFailsTheConversion() {
        // Spring's own number conversion would take the hexadecimal and the spaces.
        for (String n : List.of("-1", "abc", "1.5", "0x10", "#10", "1e3", " 5", "5 ", "1 0", "1\u0000", "٣")) {
            assertThatThrownBy(() -> convert(n)).as(n).isInstanceOf(ConversionFailedException.class)
                    .rootCause().isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("n must be a non-negative integer");
        }
    }

    private Pagination convert(String n) {
        return conversion.convert(n, Pagination.class);
    }
}
