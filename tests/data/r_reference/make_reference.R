# Independent reference values for yieldtrial's mixed models (issue 15 acceptance):
# lme4 + lmerTest + pbkrtest + emmeans + mvtnorm.
#
# Written with: R 4.2.2 Patched (2022-11-10 r83330), Debian GNU/Linux 12 (bookworm) packages
#   lme4 1.1-31, lmerTest 3.1-3, pbkrtest 0.5.2, emmeans 1.8.4-1, mvtnorm 1.1-3, numDeriv.
# Rerun (from the repository root; about 3 minutes):
#   Rscript tests/data/r_reference/make_reference.R
# Reads the plot tables *.csv of this folder (written by make_inputs.py; sources in
# README.md) and writes reference.csv (long format, every number with 17 significant
# digits) and sessioninfo.txt.  CI has no R: tests/test_stats_mixed_lme4.py reads
# reference.csv.
#
# reference.csv columns:
#   case   the data set and model (see CASES below)
#   ddf    "satterthwaite", "kenward-roger", "residual" (lm) or "" (no df involved)
#   table  "fit", "vc", "anova", "emmeans", "dunnett" (what produced the row, see below)
#   spec   the emmeans formula / family (e.g. "nitro", "nitro|gen", "trt")
#   term   F-test term, variance component, or the level / contrast label
#   by     level of the `by` factor of "a|b" specs ("" otherwise)
#   stat   the statistic (F, num_df, den_df, p; variance, se; emmean, SE, df;
#          estimate, SE, df, t, p_none, p_mvt, p_exact, p_exact_err)
#   value  sprintf("%.17g")
#
# Sections ("table"):
#   fit      convergence checks: the largest difference of theta between the tight
#            nloptwrap fit and a bobyqa refit, and lme4's default-settings fit.
#   vc       VarCorr(m) variances (REML); "se": delta method from lmerTest's
#            m@vcov_varpar, the inverse observed REML information over (theta, sigma)
#            by numDeriv::hessian (lmerTest:::as_lmerModLT): var_k = (theta_k sigma)^2.
#            It is a numerical Hessian: ~1e-6 relative at best.
#   anova    lmerTest anova(m, type = 3, ddf = "Satterthwaite" | "Kenward-Roger");
#            lm models: anova(lm) (sequential sums of squares).
#   contest_versus_first  one-term models: lmerTest contestMD() with the hypothesis
#            basis "every level against the first" (see versus_first_test below).
#   wald     one-term models of the synthetic cases: the Wald F of anova()'s hypothesis
#            computed directly and by a symmetric eigen decomposition (see wald_test).
#   emmeans  summary(emmeans(m, spec, lmer.df = ...)): emmean, SE, df.
#   dunnett  contrast(emm, "trt.vs.ctrl", ref = control): adjust = "none" (t, df and
#            raw p, exact) and adjust = "mvt" (emmeans' single-step Dunnett; mvtnorm's
#            randomized Genz-Bretz integration, default abseps 1e-3, set.seed(1) before
#            each call; emmeans rounds each row's df to floor(df + 0.25)), and p_exact:
#            this script's own integration of the same probability at the row's
#            exact (non-integer) df, P(max_j |T_j| >= |t_i|), T multivariate t with the
#            family's correlation on df_i:
#              1 - int P_R(|Z_j| <= |t_i| s for all j) f(s) ds,
#              f the density of s = sqrt(chi2_df_i / df_i),
#            by 96-point Gauss-Legendre in s over all but 2e-15 of the mass of f,
#            P_R by mvtnorm::pmvnorm (Miwa(steps = 256),
#            deterministic); only for families of <= 5 comparisons (Miwa's box
#            probability needs 2^k orthant probabilities, and GenzBretz at abseps 1e-6
#            took 40 s per call in 29 dimensions without reaching it); NA otherwise.
#            p_exact_err is the quadrature check |96-node - 64-node|.
#
# Fits use REML with a tight nloptwrap (BOBYQA) tolerance so that the reference is the
# REML optimum to ~1e-9, not lme4's default stopping point (recorded in "fit").

suppressPackageStartupMessages({
  library(lme4)
  library(lmerTest)
  library(pbkrtest)
  library(emmeans)
  library(mvtnorm)
})
options(digits = 17, warn = 1)

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(file_arg)) dirname(normalizePath(file_arg)) else "tests/data/r_reference"

rows <- list()
out <- function(case, ddf, table, spec, term, by, stat, value) {
  rows[[length(rows) + 1]] <<- data.frame(
    case = case, ddf = ddf, table = table, spec = spec, term = as.character(term),
    by = as.character(by), stat = stat, value = sprintf("%.17g", as.numeric(value)),
    stringsAsFactors = FALSE
  )
}

tight <- lmerControl(
  optimizer = "nloptwrap",
  optCtrl = list(xtol_abs = 1e-14, ftol_abs = 1e-15, xtol_rel = 1e-13, ftol_rel = 1e-15,
                 maxeval = 100000),
  check.conv.singular = "ignore"
)
refit_bobyqa <- lmerControl(
  optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 100000),
  check.conv.singular = "ignore"
)

fit_lmer <- function(case, formula, data) {
  m <- lmerTest::lmer(formula, data = data, REML = TRUE, control = tight)
  m2 <- lme4::lmer(formula, data = data, REML = TRUE, control = refit_bobyqa)
  m0 <- lme4::lmer(formula, data = data, REML = TRUE)
  out(case, "", "fit", "", "theta", "", "max_abs_diff_bobyqa",
      max(abs(getME(m, "theta") - getME(m2, "theta"))))
  vc0 <- as.data.frame(VarCorr(m0))
  vc <- as.data.frame(VarCorr(m))
  out(case, "", "fit", "", "variance", "", "max_rel_diff_default_lme4",
      max(abs(vc0$vcov - vc$vcov) / pmax(vc$vcov, 1e-300 + max(vc$vcov) * 1e-12)))
  out(case, "", "fit", "", "REML", "", "reml_criterion", REMLcrit(m))
  m
}

variance_components <- function(case, m) {
  vc <- as.data.frame(VarCorr(m))
  theta <- getME(m, "theta")
  sigma <- sigma(m)
  # delta method: varpar = (theta_1..theta_K, sigma); var_k = (theta_k sigma)^2, var_e = sigma^2
  K <- length(theta)
  J <- matrix(0, K + 1, K + 1)
  for (k in seq_len(K)) {
    J[k, k] <- 2 * theta[k] * sigma^2
    J[k, K + 1] <- 2 * theta[k]^2 * sigma
  }
  J[K + 1, K + 1] <- 2 * sigma
  cov_var <- J %*% m@vcov_varpar %*% t(J)
  # VarCorr lists the components in the order of getME(m, "theta") (one per term), residual last
  for (i in seq_len(nrow(vc))) {
    out(case, "", "vc", "", vc$grp[i], "", "variance", vc$vcov[i])
    out(case, "", "vc", "", vc$grp[i], "", "se", sqrt(cov_var[i, i]))
  }
}

anova_tables <- function(case, m) {
  for (ddf in c("Satterthwaite", "Kenward-Roger")) {
    a <- anova(m, type = 3, ddf = ddf)
    key <- tolower(ddf)
    for (term in rownames(a)) {
      out(case, key, "anova", "", term, "", "F", a[term, "F value"])
      out(case, key, "anova", "", term, "", "num_df", a[term, "NumDF"])
      out(case, key, "anova", "", term, "", "den_df", a[term, "DenDF"])
      out(case, key, "anova", "", term, "", "p", a[term, "Pr(>F)"])
    }
  }
}

# Own Dunnett integration at exact df (see header).
gauss_legendre <- function(n) {  # Golub-Welsch, mapped to (0, 1): weights sum to 1
  i <- seq_len(n - 1)
  J <- matrix(0, n, n)
  J[cbind(i, i + 1)] <- J[cbind(i + 1, i)] <- i / sqrt(4 * i^2 - 1)
  e <- eigen(J, symmetric = TRUE)
  list(x = (e$values + 1) / 2, w = e$vectors[1, ]^2)
}
GL64 <- gauss_legendre(64)
MAX_EXACT <- 5  # families of more comparisons: p_exact NA (Miwa needs 2^k orthants)
GL96 <- gauss_legendre(96)

box_prob <- function(x, corr) {
  k <- nrow(corr)
  if (k == 1) return(list(p = 2 * pnorm(x) - 1, err = 0))
  p <- pmvnorm(lower = rep(-x, k), upper = rep(x, k), corr = corr, algorithm = Miwa(steps = 256))
  list(p = as.numeric(p), err = if (is.null(attr(p, "error")) || is.na(attr(p, "error"))) 0 else attr(p, "error"))
}

dunnett_exact <- function(t, df, corr) {
  # s = sqrt(chi2_df / df) on [s_lo, s_hi] holding all but 2e-15 of its mass; smooth
  # integrand, so Gauss-Legendre converges fast: 96 nodes, checked against 64
  s_lo <- sqrt(qchisq(1e-15, df) / df)
  s_hi <- sqrt(qchisq(1e-15, df, lower.tail = FALSE) / df)
  integral <- function(rule) {
    s <- s_lo + (s_hi - s_lo) * rule$x
    dens <- dchisq(df * s^2, df) * 2 * df * s * (s_hi - s_lo)
    box <- sapply(s, function(si) box_prob(abs(t) * si, corr)$p)
    1 - sum(rule$w * dens * box)
  }
  a <- integral(GL96)
  c(p = a, err = abs(a - integral(GL64)))
}

# lmerTest's anova() uses its type 1 (Doolittle, plot-count weighted) hypothesis basis when
# the fixed part has one term (get_contrasts_type3 -> get_contrasts_type1), and the type 3
# contr.treatment basis (every level against the first) otherwise.  The Satterthwaite
# (Fai-Cornelius) ddf of a multi-df test depends on the basis (the F and the Kenward-Roger
# ddf do not); yieldtrial uses the basis of anova() (type 1 for one-term models since
# the issue-15 verification; "every level against the first" before).  For one-term
# models this records lmerTest's own test with the other basis as well:
# contestMD(m, L = [0 | I], ddf = ...), L selecting the contr.treatment coefficients.
versus_first_test <- function(case, m, term) {
  cols <- grep(paste0("^", term), colnames(model.matrix(m)))
  L <- matrix(0, length(cols), ncol(model.matrix(m)))
  L[cbind(seq_along(cols), cols)] <- 1
  for (ddf in c("Satterthwaite", "Kenward-Roger")) {
    a <- contestMD(m, L, ddf = ddf)
    key <- tolower(ddf)
    out(case, key, "contest_versus_first", "", term, "", "F", a[["F value"]])
    out(case, key, "contest_versus_first", "", term, "", "num_df", a[["NumDF"]])
    out(case, key, "contest_versus_first", "", term, "", "den_df", a[["DenDF"]])
    out(case, key, "contest_versus_first", "", term, "", "p", a[["Pr(>F)"]])
  }
}

# The Wald F of anova()'s own hypothesis, computed directly,
#   F = (L b)' (L V L')^-1 (L b) / q,  V = m@vcov_beta,
# and with the eigen decomposition of contestMD() but eigen(symmetric = TRUE).  lmerTest's
# contestMD() calls eigen(L V L') without symmetric = TRUE; when L V L' has a repeated
# eigenvalue and rounding leaves it asymmetric by ~1e-12 (isSymmetric() FALSE), R's general
# eigen solver returns a non-orthogonal basis of that eigenspace and sum(t^2)/q is not the
# Wald F (rcbd_block_zero_missing1: 7.0075 against 5.7712).  p: pf(F, q, anova()'s ddf).
wald_test <- function(case, m, term) {
  L <- attr(anova(m, type = 3, ddf = "Satterthwaite"), "hypotheses")[[term]]
  b <- m@beta
  V <- as.matrix(m@vcov_beta)
  M <- L %*% V %*% t(L)
  q <- nrow(L)
  f_direct <- drop(t(L %*% b) %*% solve(M, L %*% b)) / q
  e <- eigen(M, symmetric = TRUE)
  f_eigen <- sum(drop(crossprod(e$vectors, L %*% b))^2 / e$values) / q
  ddf <- anova(m, type = 3, ddf = "Satterthwaite")[term, "DenDF"]
  out(case, "satterthwaite", "wald", "", term, "", "F", f_direct)
  out(case, "satterthwaite", "wald", "", term, "", "F_symmetric_eigen", f_eigen)
  out(case, "satterthwaite", "wald", "", term, "", "p", pf(f_direct, q, ddf, lower.tail = FALSE))
  out(case, "satterthwaite", "wald", "", term, "", "LVL_asymmetry", max(abs(M - t(M))))
  out(case, "satterthwaite", "wald", "", term, "", "is_symmetric", as.numeric(isSymmetric(M)))
}

emmeans_and_dunnett <- function(case, m, spec, control, lmer_df = c("satterthwaite", "kenward-roger"),
                                dunnett = TRUE) {
  for (key in lmer_df) {
    emm <- if (key == "residual") emmeans(m, as.formula(paste("~", spec)))
           else emmeans(m, as.formula(paste("~", spec)), lmer.df = key)
    s <- as.data.frame(summary(emm))
    lev <- strsplit(spec, "|", fixed = TRUE)[[1]]
    fac <- trimws(lev[1])
    byf <- if (length(lev) > 1) trimws(lev[2]) else NULL
    for (i in seq_len(nrow(s))) {
      level <- if (grepl(":", fac)) {
        paste(sapply(strsplit(fac, ":")[[1]], function(f) as.character(s[i, f])), collapse = ":")
      } else as.character(s[i, fac])
      by <- if (is.null(byf)) "" else as.character(s[i, byf])
      out(case, key, "emmeans", spec, level, by, "emmean", s$emmean[i])
      out(case, key, "emmeans", spec, level, by, "SE", s$SE[i])
      out(case, key, "emmeans", spec, level, by, "df", s$df[i])
    }
    if (!dunnett) next
    ref <- which(levels(emm)[[fac]] == control)
    con <- contrast(emm, "trt.vs.ctrl", ref = ref, adjust = "none")
    raw <- as.data.frame(summary(con))
    set.seed(1)
    adj <- as.data.frame(summary(contrast(emm, "trt.vs.ctrl", ref = ref), adjust = "mvt"))
    vc <- vcov(con)
    groups <- if (is.null(byf)) list(seq_len(nrow(raw))) else split(seq_len(nrow(raw)), raw[[byf]])
    others <- levels(emm)[[fac]][-ref]  # trt.vs.ctrl: one contrast per other level, in order
    for (g in groups) {
      corr <- cov2cor(vc[g, g, drop = FALSE])
      for (j in seq_along(g)) {
        i <- g[j]
        label <- others[j]
        by <- if (is.null(byf)) "" else as.character(raw[i, byf])
        ex <- if (length(g) <= MAX_EXACT) dunnett_exact(raw$t.ratio[i], raw$df[i], corr)
              else c(p = NA, err = NA)
        out(case, key, "dunnett", spec, label, by, "estimate", raw$estimate[i])
        out(case, key, "dunnett", spec, label, by, "SE", raw$SE[i])
        out(case, key, "dunnett", spec, label, by, "df", raw$df[i])
        out(case, key, "dunnett", spec, label, by, "t", raw$t.ratio[i])
        out(case, key, "dunnett", spec, label, by, "p_none", raw$p.value[i])
        out(case, key, "dunnett", spec, label, by, "p_mvt", adj$p.value[i])
        out(case, key, "dunnett", spec, label, by, "p_exact", ex[["p"]])
        out(case, key, "dunnett", spec, label, by, "p_exact_err", ex[["err"]])
      }
    }
  }
}

read <- function(name, factors) {
  d <- read.csv(file.path(here, name), colClasses = "character")
  factors <- intersect(factors, names(d))
  for (f in names(d)) if (!(f %in% factors)) d[[f]] <- as.numeric(d[[f]])
  for (f in factors) d[[f]] <- factor(d[[f]], levels = unique(d[[f]]))
  d
}

# ---------------------------------------------------------------- CASES
# (a), (b) split plot, Yates' oats with 1 and 3 missing sub-plots:
#   yield ~ gen * nitro + (1 | block) + (1 | block:gen)
for (case in c("oats_missing1", "oats_missing3")) {
  d <- read(paste0(case, ".csv"), c("block", "gen", "nitro"))
  m <- fit_lmer(case, yield ~ gen * nitro + (1 | block) + (1 | block:gen), d)
  variance_components(case, m)
  anova_tables(case, m)
  emmeans_and_dunnett(case, m, "gen", "GoldenRain")
  emmeans_and_dunnett(case, m, "nitro", "0")
  emmeans_and_dunnett(case, m, "nitro | gen", "0")
  emmeans_and_dunnett(case, m, "gen:nitro", "", dunnett = FALSE)
}

# (c) alpha-lattice, replicates fixed, incomplete blocks within replicate random:
#   yield ~ rep + gen + (1 | rep:block)
d <- read("alpha_synthetic.csv", c("plot_id", "block", "incomplete_block", "treatment"))
m <- fit_lmer("alpha_synthetic",
              yield_kg_ha ~ block + treatment + (1 | block:incomplete_block), d)
variance_components("alpha_synthetic", m)
anova_tables("alpha_synthetic", m)
emmeans_and_dunnett("alpha_synthetic", m, "treatment", "G01")

d <- read("john_alpha.csv", c("plot", "rep", "block", "gen"))
m <- fit_lmer("john_alpha", yield ~ rep + gen + (1 | rep:block), d)
variance_components("john_alpha", m)
anova_tables("john_alpha", m)
emmeans_and_dunnett("john_alpha", m, "gen", "G01")

# (d) augmented RCBD: blocks fixed (lm, Federer's intra-block analysis) and random (lmer)
for (case in c("augmented_synthetic", "augmented_vignette")) {
  if (case == "augmented_synthetic") {
    d <- read("augmented_synthetic.csv", c("plot_id", "block", "treatment", "entry_type"))
    names(d)[names(d) == "yield_kg_ha"] <- "y"
    control <- "CK1"
  } else {
    d <- read("augmented_vignette.csv", c("block", "treatment"))
    names(d)[names(d) == "y1"] <- "y"
    control <- "1"
  }
  fixed_case <- paste0(case, "_fixed")
  lm1 <- lm(y ~ block + treatment, data = d)  # treatments eliminating blocks
  lm2 <- lm(y ~ treatment + block, data = d)  # blocks eliminating treatments
  a1 <- anova(lm1)
  a2 <- anova(lm2)
  out(fixed_case, "residual", "anova", "", "treatment", "", "F", a1["treatment", "F value"])
  out(fixed_case, "residual", "anova", "", "treatment", "", "num_df", a1["treatment", "Df"])
  out(fixed_case, "residual", "anova", "", "treatment", "", "den_df", a1["Residuals", "Df"])
  out(fixed_case, "residual", "anova", "", "treatment", "", "p", a1["treatment", "Pr(>F)"])
  out(fixed_case, "residual", "anova", "", "block", "", "F", a2["block", "F value"])
  out(fixed_case, "residual", "anova", "", "Residuals", "", "mean_sq", a1["Residuals", "Mean Sq"])
  emmeans_and_dunnett(fixed_case, lm1, "treatment", control, lmer_df = "residual")
  random_case <- paste0(case, "_random")
  m <- fit_lmer(random_case, y ~ treatment + (1 | block), d)
  variance_components(random_case, m)
  anova_tables(random_case, m)
  versus_first_test(random_case, m, "treatment")
  emmeans_and_dunnett(random_case, m, "treatment", control)
}

# RCBD, blocks random, one missing plot (Gomez & Gomez 1984 seeding rates)
d <- read("rcbd_missing.csv", c("block", "treatment"))
m <- fit_lmer("rcbd_missing", yield_kg_ha ~ treatment + (1 | block), d)
variance_components("rcbd_missing", m)
anova_tables("rcbd_missing", m)
versus_first_test("rcbd_missing", m, "treatment")
emmeans_and_dunnett("rcbd_missing", m, "treatment", "25")

# ---------------------------------------------------------------- SYNTHETIC HARD CASES
# Seeded SYNTHETIC trials from yieldtrial's design functions (make_inputs.py,
# SYNTHETIC_CASES): missing plots, a whole plot missing, and variance components at or near
# zero (the REML boundary), where the Satterthwaite and Kenward-Roger df part ways.
# Split plots: yield_kg_ha ~ wp * sp + (1 | block) + (1 | block:wp)
for (case in c("sp_wp_zero_complete", "sp_wp_zero_missing1", "sp_wp_zero_missing3",
               "sp_block_zero_missing1", "sp_wp_near_zero_missing3", "sp_whole_plot_missing")) {
  d <- read(paste0(case, ".csv"), c("plot_id", "treatment", "block", "main_plot", "wp", "sp"))
  m <- fit_lmer(case, yield_kg_ha ~ wp * sp + (1 | block) + (1 | block:wp), d)
  variance_components(case, m)
  anova_tables(case, m)
  emmeans_and_dunnett(case, m, "wp", "W1")
  emmeans_and_dunnett(case, m, "sp", "N0")
  emmeans_and_dunnett(case, m, "sp | wp", "N0")
  emmeans_and_dunnett(case, m, "wp:sp", "", dunnett = FALSE)
}
# Strip plots: yield_kg_ha ~ h * v + (1 | block) + (1 | block:h) + (1 | block:v)
for (case in c("strip_missing3", "strip_h_zero_missing3")) {
  d <- read(paste0(case, ".csv"), c("plot_id", "treatment", "block", "h", "v"))
  m <- fit_lmer(case, yield_kg_ha ~ h * v + (1 | block) + (1 | block:h) + (1 | block:v), d)
  variance_components(case, m)
  anova_tables(case, m)
  emmeans_and_dunnett(case, m, "h", "H1")
  emmeans_and_dunnett(case, m, "v", "V1")
  emmeans_and_dunnett(case, m, "v | h", "V1")
  emmeans_and_dunnett(case, m, "h:v", "", dunnett = FALSE)
}
# Alpha-lattices: yield_kg_ha ~ block + treatment + (1 | block:incomplete_block)
for (case in c("alpha_ib_zero_missing2", "alpha_missing3", "alpha_k3_missing2")) {
  d <- read(paste0(case, ".csv"), c("plot_id", "treatment", "block", "incomplete_block"))
  m <- fit_lmer(case, yield_kg_ha ~ block + treatment + (1 | block:incomplete_block), d)
  variance_components(case, m)
  anova_tables(case, m)
  emmeans_and_dunnett(case, m, "treatment", "G01")
}
# Augmented RCBD with a missing check plot: blocks fixed (lm) and random (lmer)
d <- read("augmented_missing_check.csv", c("plot_id", "treatment", "entry_type", "block"))
fixed_case <- "augmented_missing_check_fixed"
a1 <- anova(lm1 <- lm(yield_kg_ha ~ block + treatment, data = d))
a2 <- anova(lm(yield_kg_ha ~ treatment + block, data = d))
out(fixed_case, "residual", "anova", "", "treatment", "", "F", a1["treatment", "F value"])
out(fixed_case, "residual", "anova", "", "treatment", "", "num_df", a1["treatment", "Df"])
out(fixed_case, "residual", "anova", "", "treatment", "", "den_df", a1["Residuals", "Df"])
out(fixed_case, "residual", "anova", "", "treatment", "", "p", a1["treatment", "Pr(>F)"])
out(fixed_case, "residual", "anova", "", "block", "", "F", a2["block", "F value"])
out(fixed_case, "residual", "anova", "", "Residuals", "", "mean_sq", a1["Residuals", "Mean Sq"])
emmeans_and_dunnett(fixed_case, lm1, "treatment", "CK1", lmer_df = "residual")
for (case in c("augmented_missing_check_random", "rcbd_block_zero_missing2",
               "rcbd_block_zero_missing1")) {
  file <- if (case == "augmented_missing_check_random") "augmented_missing_check.csv" else
    paste0(case, ".csv")
  d <- read(file, c("plot_id", "treatment", "entry_type", "block"))
  m <- fit_lmer(case, yield_kg_ha ~ treatment + (1 | block), d)
  variance_components(case, m)
  anova_tables(case, m)
  versus_first_test(case, m, "treatment")
  wald_test(case, m, "treatment")
  emmeans_and_dunnett(case, m, "treatment", if (startsWith(case, "rcbd")) "T01" else "CK1")
}

res <- do.call(rbind, rows)
write.csv(res, file.path(here, "reference.csv"), row.names = FALSE)
writeLines(capture.output(sessionInfo()), file.path(here, "sessioninfo.txt"))
cat(nrow(res), "rows written to", file.path(here, "reference.csv"), "\n")
