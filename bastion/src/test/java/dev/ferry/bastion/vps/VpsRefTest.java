package dev.ferry.bastion.vps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.FerryException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class VpsRefTest {

    @Test
    void readsIdsAndLowerCasesNames() {
        assertEquals(7323718749301768192L, VpsRef.parse("7323718749301768192").id());
        VpsRef name = VpsRef.parse("Web-1");
        assertEquals("web-1", name.name());
        assertNull(name.id());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-web", "1abc", "web_1", "99999999999999999999", "9223372036854775808",
            "web/1", "we b", "ünïcode"})
    void refusesWhatIsNeitherIdNorName(String text) {
        FerryException e = assertThrows(FerryException.class, () -> VpsRef.parse(text));
        assertEquals(FerryException.Kind.INVALID, e.kind());
    }

    @Test
    void echoesControlCharactersSafely() {
        FerryException e = assertThrows(FerryException.class, () -> VpsRef.parse("a\u001b[31mb"));
        assertTrue(!e.getMessage().contains("\u001b"), e.getMessage());
    }

    @Test
    void refusesNamesLongerThan63() {
        assertThrows(FerryException.class, () -> VpsRef.validName("a".repeat(64)));
        assertEquals("a".repeat(63), VpsRef.validName("A".repeat(63)));
    }
}
