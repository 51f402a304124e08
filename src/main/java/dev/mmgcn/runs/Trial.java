package dev.mmgcn.runs;

import dev.mmgcn.settings.TrainSettings;

import java.nio.file.Path;
import java.util.Map;

/**
 * One trial of a sweep: its folder name (made from the settings it varies), those settings as given in
 * the grid, the group it belongs to (the same name without the seed, so seeds of one configuration
 * are averaged together), and its resolved settings.
 */
public record Trial(int index, String name, String group, Map<String, Object> varied, TrainSettings settings) {
    public Path dir(Path sweep) {
        return sweep.resolve(name);
    }
}
