package dev.cairn.it.plugin;

import java.util.List;
import java.util.Properties;

import com.example.cairnplugin.PropertiesMaterializer;
import dev.cairn.api.spi.Materializer;
import dev.cairn.testkit.MaterializerContract;

/** The example third-party materializer passes the whole materializer contract. */
class PropertiesMaterializerContractTest extends MaterializerContract<Properties> {
    private final PropertiesMaterializer materializer = new PropertiesMaterializer();

    @Override
    protected Materializer<Properties> materializer() {
        return materializer;
    }

    @Override
    protected List<Sample<Properties>> samples() {
        Properties settings = new Properties();
        settings.setProperty("learning.rate", "0.05");
        settings.setProperty("name with spaces = and equals", "line one\nline two ✓");
        settings.setProperty("", "empty key");
        Properties large = new Properties();
        for (int i = 0; i < 1000; i++) {
            large.setProperty("key-" + i, "value-" + i * 7);
        }
        return List.of(new Sample<>("three settings", Properties.class, settings), new Sample<>("1000 entries", Properties.class, large),
                new Sample<>("no entries", Properties.class, new Properties()));
    }
}
