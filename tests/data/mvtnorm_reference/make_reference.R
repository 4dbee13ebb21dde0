# Reference multivariate t probabilities for yieldtrial's Dunnett and Tukey integrals.
# Rerun: cd tests/data/mvtnorm_reference && Rscript make_reference.R
# mvtnorm (Genz & Bretz's randomized lattice rule, Fortran) with 1e7 points: its stated
# error (attr "error", 99 % confidence) is written next to each probability.
library(mvtnorm)
set.seed(20261204)
rows <- list()
one <- function(case, corr, df, c, sides, maxpts) {
  k <- nrow(corr)
  lower <- if (sides == 2) rep(-c, k) else rep(-Inf, k)
  p <- pmvt(lower = lower, upper = rep(c, k), df = df, corr = corr,
            algorithm = GenzBretz(maxpts = maxpts, abseps = 1e-8, releps = 0))
  data.frame(case = case, df = df, threshold = c, sides = sides,
             exceedance = sprintf("%.10f", 1 - p[1]), error = sprintf("%.3g", attr(p, "error")),
             mvtnorm = as.character(packageVersion("mvtnorm")), points = maxpts)
}
for (key in c("random", "row_column", "alpha_b3", "split_plot")) {
  R <- as.matrix(read.csv(sprintf("dunnett_%s.csv", key), header = FALSE))
  dimnames(R) <- NULL
  for (c in c(1.8, 2.6, 3.4)) rows[[length(rows) + 1]] <- one(key, R, 30, c, 2, 1e7)
  rows[[length(rows) + 1]] <- one(key, R, 30, 2.4, 1, 1e7)
}
cov <- as.matrix(read.csv("tukey_rcbd7_cov.csv", header = FALSE)); dimnames(cov) <- NULL
k <- nrow(cov); pr <- t(combn(k, 2))
C <- matrix(0, nrow(pr), k)
for (r in seq_len(nrow(pr))) { C[r, pr[r, 1]] <- 1; C[r, pr[r, 2]] <- -1 }
Rt <- cov2cor(C %*% cov %*% t(C))
for (c in c(2.2, 3.2)) rows[[length(rows) + 1]] <- one("tukey_rcbd7", Rt, 12, c, 2, 2e7)
write.csv(do.call(rbind, rows), "mvtnorm_reference.csv", row.names = FALSE, quote = FALSE)
