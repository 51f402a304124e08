package example;

import dev.mmgcn.api.MmgcnModel;
import dev.mmgcn.api.Recommendation;
import dev.mmgcn.api.ScoredItem;

import java.nio.file.Path;
import java.util.List;

/** Top-10 items for one user, then the items most like the first of them. */
public class ReadmeExample {
    public static void main(String[] args) throws Exception {
        Path checkpoint = Path.of(args[0]);     // e.g. runs/tiktok-20250101-120000/best.ckpt
        String user = args[1];                  // a user id as written in the training data
        try (MmgcnModel model = MmgcnModel.load(checkpoint)) {
            List<ScoredItem> top = model.recommend(user, 10);   // the user's training items left out
            for (ScoredItem s : top) System.out.printf("%s\t%.4f%n", s.item(), s.score());

            List<ScoredItem> alike = model.similarItems(top.getFirst().item(), 5);
            System.out.println("like " + top.getFirst().item() + ": " + alike.stream().map(ScoredItem::item).toList());

            for (Recommendation r : model.recommend(List.of(user), 3)) {   // many users in one blocked pass
                System.out.println(r.user() + " -> " + r.items().stream().map(ScoredItem::item).toList());
            }
        }
    }
}
