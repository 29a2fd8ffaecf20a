package io.shopstream.generator;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Picks ids 1..n with Zipf-like popularity: id k has weight 1/k^skew (skew 0 = uniform). */
final class Popularity {

    private final double[] cumulative;

    Popularity(int n, double skew) {
        cumulative = new double[n];
        double sum = 0;
        for (int k = 1; k <= n; k++) {
            sum += 1.0 / Math.pow(k, skew);
            cumulative[k - 1] = sum;
        }
    }

    int pick(SplittableRandom random) {
        double u = random.nextDouble() * cumulative[cumulative.length - 1];
        int i = Arrays.binarySearch(cumulative, u);
        int index = i >= 0 ? i : -i - 1;
        return Math.min(index, cumulative.length - 1) + 1;
    }
}
