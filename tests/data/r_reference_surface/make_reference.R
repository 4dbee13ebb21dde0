# Independent reference values for the report-level cross-check of yieldtrial's mixed
# models (issue 15 acceptance, on trials tests/data/r_reference does not have):
# lme4 + lmerTest + pbkrtest + emmeans + mvtnorm.
#
# Written with: R 4.2.2, Debian bookworm packages lme4 1.1-31, lmerTest 3.1-3,
#   pbkrtest 0.5.2, emmeans 1.8.4-1, mvtnorm 1.1-3 (sessioninfo.txt).
# Rerun (from the repository root; a few minutes):
#   Rscript tests/data/r_reference_surface/make_reference.R
# Reads the plot tables *.csv of this folder (make_surface_inputs.py) and writes reference.csv
# (same long format as tests/data/r_reference/reference.csv:
#   case, ddf, table, spec, term, by, stat, value) and sessioninfo.txt.
#
# Factor levels: every factor gets its levels in sorted order (the labels are zero-padded,
# so this is also yieldtrial's natural display order); the rows keep the field book's
# randomized order.
#
# Sections ("table"):
#   fit      REMLcrit and the theta difference against a bobyqa refit (convergence check).
#   vc       VarCorr(m) variances (REML); "se": delta method on lmerTest's m@vcov_varpar.
#   anova    lmerTest anova(m, type = 3, ddf = "Satterthwaite" | "Kenward-Roger");
#            lm models: anova(lm(y ~ block + treatment)) and anova(lm(y ~ treatment + block)).
#   emmeans  summary(emmeans(m, ~ spec, lmer.df = ...)): emmean, SE, df.
#   contrast a named contrast (alpha24_missing1: G15 - G03), see named_contrast().
#   dunnett  contrast(emm, "trt.vs.ctrl", ref = control): adjust = "none" (estimate, SE, df,
#            t, raw p) and adjust = "mvt" (emmeans' own: mvtnorm, randomized, abseps 1e-3,
#            df rounded to floor(df + 0.25); set.seed(1)), and p_hi: this script's
#            high-precision single-step p-value at the row's exact df:
#              p(nu) = 1 - pmvt(-|t|, |t|, corr = family correlation, df = nu),
#            mvtnorm's pmvt (GenzBretz, abseps 2e-6, maxpts 2e7, set.seed(1); families of
#            more than 6 comparisons: abseps 2e-5, maxpts 1e6, and only for 4 rows, the
#            three smallest raw p and the one nearest 0.3, with Satterthwaite df and
#            the residual df of lm; NA otherwise: 30 dimensions are slow) needs an
#            integer df, so it is evaluated at three integers n, n + 1, n + 2 around nu
#            (n = floor(nu), or nu itself if integer) and interpolated quadratically in
#            1 / df; p_hi_err = max reported GenzBretz error + |quadratic - linear
#            interpolation| (a bound on the interpolation error).

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
here <- if (length(file_arg)) dirname(normalizePath(file_arg)) else "tests/data/r_reference_surface"

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
  out(case, "", "fit", "", "theta", "", "max_abs_diff_bobyqa",
      max(abs(getME(m, "theta") - getME(m2, "theta"))))
  out(case, "", "fit", "", "REML", "", "reml_criterion", REMLcrit(m))
  m
}

variance_components <- function(case, m) {
  vc <- as.data.frame(VarCorr(m))
  theta <- getME(m, "theta")
  sigma <- sigma(m)
  K <- length(theta)
  J <- matrix(0, K + 1, K + 1)
  for (k in seq_len(K)) {
    J[k, k] <- 2 * theta[k] * sigma^2
    J[k, K + 1] <- 2 * theta[k]^2 * sigma
  }
  J[K + 1, K + 1] <- 2 * sigma
  cov_var <- J %*% m@vcov_varpar %*% t(J)
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

SMALL_FAMILY <- 6  # larger families: p_hi for 4 rows, Satterthwaite only, abseps 2e-5

# High-precision single-step Dunnett p at a non-integer df (see header).
p_int <- function(t, df, corr) {
  k <- nrow(corr)
  set.seed(1)
  alg <- if (k <= SMALL_FAMILY) GenzBretz(maxpts = 2e7, abseps = 2e-6, releps = 0)
         else GenzBretz(maxpts = 1e6, abseps = 2e-5, releps = 0)
  p <- pmvt(lower = rep(-abs(t), k), upper = rep(abs(t), k), corr = corr, df = df,
            algorithm = alg)
  c(p = 1 - as.numeric(p), err = unname(attr(p, "error")))
}
p_high <- function(t, df, corr) {
  if (abs(df - round(df)) < 1e-9) {
    r <- p_int(t, round(df), corr)
    return(c(p = r[["p"]], err = r[["err"]]))
  }
  n <- floor(df) + 0:2
  if (n[1] < 1) n <- n + 1
  ev <- sapply(n, function(d) p_int(t, d, corr))
  x <- 1 / n
  x0 <- 1 / df
  lagr <- sapply(1:3, function(i) prod((x0 - x[-i]) / (x[i] - x[-i])))
  quad <- sum(lagr * ev["p", ])
  lin <- ev["p", 1] + (ev["p", 2] - ev["p", 1]) * (x0 - x[1]) / (x[2] - x[1])
  c(p = unname(quad), err = unname(max(ev["err", ]) + abs(quad - lin)))
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
    others <- levels(emm)[[fac]][-ref]
    for (g in groups) {
      corr <- cov2cor(vc[g, g, drop = FALSE])
      pick <- if (length(g) <= SMALL_FAMILY) g else if (key == "kenward-roger") integer(0) else {
        o <- g[order(raw$p.value[g])]
        c(o[1:3], g[which.min(abs(raw$p.value[g] - 0.3))])
      }
      for (j in seq_along(g)) {
        i <- g[j]
        label <- others[j]
        by <- if (is.null(byf)) "" else as.character(raw[i, byf])
        hi <- if (i %in% pick) p_high(raw$t.ratio[i], raw$df[i], corr) else c(p = NA, err = NA)
        out(case, key, "dunnett", spec, label, by, "estimate", raw$estimate[i])
        out(case, key, "dunnett", spec, label, by, "SE", raw$SE[i])
        out(case, key, "dunnett", spec, label, by, "df", raw$df[i])
        out(case, key, "dunnett", spec, label, by, "t", raw$t.ratio[i])
        out(case, key, "dunnett", spec, label, by, "p_none", raw$p.value[i])
        out(case, key, "dunnett", spec, label, by, "p_mvt", adj$p.value[i])
        out(case, key, "dunnett", spec, label, by, "p_hi", hi[["p"]])
        out(case, key, "dunnett", spec, label, by, "p_hi_err", hi[["err"]])
      }
    }
  }
}

# A named (planned) contrast of two LS-means, unadjusted:
#   summary(contrast(emmeans(m, ~ treatment, lmer.df = ...), list(name = w)), infer = TRUE)
named_contrast <- function(case, m, a, b) {
  for (key in c("satterthwaite", "kenward-roger")) {
    emm <- emmeans(m, ~ treatment, lmer.df = key)
    lev <- levels(emm)$treatment
    w <- as.numeric(lev == a) - as.numeric(lev == b)
    s <- as.data.frame(summary(contrast(emm, setNames(list(w), paste(a, "-", b))), infer = TRUE))
    label <- paste(a, "-", b)
    for (stat in c("estimate", "SE", "df", "lower.CL", "upper.CL", "t.ratio", "p.value")) {
      out(case, key, "contrast", "treatment", label, "", stat, s[[stat]][1])
    }
  }
}

read <- function(name, factors) {
  d <- read.csv(file.path(here, name), colClasses = "character")
  factors <- intersect(factors, names(d))
  for (f in names(d)) if (!(f %in% factors)) d[[f]] <- as.numeric(d[[f]])
  for (f in factors) d[[f]] <- factor(d[[f]], levels = sort(unique(d[[f]])))
  d
}
FACTORS <- c("plot_id", "treatment", "block", "row", "column", "main", "sub", "h", "v",
             "incomplete_block", "entry_type")

only <- commandArgs(trailingOnly = TRUE)
want <- function(case) !length(only) || case %in% only

# ---------------------------------------------------------------- CASES
# Split plots (yieldtrial design split_plot): y ~ main * sub + (1 | block) + (1 | block:main)
for (case in c("split_missing1", "split_missing3")) {
  if (!want(case)) next
  ctrl <- if (case == "split_missing1") "N0" else "S1"
  d <- read(paste0(case, ".csv"), FACTORS)
  m <- fit_lmer(case, yield_kg_ha ~ main * sub + (1 | block) + (1 | block:main), d)
  variance_components(case, m)
  anova_tables(case, m)
  emmeans_and_dunnett(case, m, "sub", ctrl)
  emmeans_and_dunnett(case, m, "main", levels(d$main)[1])
  emmeans_and_dunnett(case, m, "sub | main", ctrl)
  emmeans_and_dunnett(case, m, "main:sub", "", dunnett = FALSE)
}
# Strip plot: y ~ h * v + (1 | block) + (1 | block:h) + (1 | block:v)
if (want("strip_missing2")) {
  case <- "strip_missing2"
  d <- read(paste0(case, ".csv"), FACTORS)
  m <- fit_lmer(case, yield_kg_ha ~ h * v + (1 | block) + (1 | block:h) + (1 | block:v), d)
  variance_components(case, m)
  anova_tables(case, m)
  emmeans_and_dunnett(case, m, "v", "V1")
  emmeans_and_dunnett(case, m, "h", "H1")
  emmeans_and_dunnett(case, m, "h:v", "", dunnett = FALSE)
}
# Alpha-lattices (yieldtrial design alpha): y ~ block + treatment + (1 | block:incomplete_block)
for (case in c("alpha24_missing1", "alpha30_missing1")) {
  if (!want(case)) next
  d <- read(paste0(case, ".csv"), FACTORS)
  m <- fit_lmer(case, yield_kg_ha ~ block + treatment + (1 | block:incomplete_block), d)
  variance_components(case, m)
  anova_tables(case, m)
  emmeans_and_dunnett(case, m, "treatment", "G01")
  if (case == "alpha24_missing1") named_contrast(case, m, "G15", "G03")
}
# Row-column: y ~ block + treatment + (1 | block:row) + (1 | block:column)
if (want("rowcol_missing1")) {
  case <- "rowcol_missing1"
  d <- read(paste0(case, ".csv"), FACTORS)
  m <- fit_lmer(case, yield_kg_ha ~ block + treatment + (1 | block:row) + (1 | block:column), d)
  variance_components(case, m)
  anova_tables(case, m)
  emmeans_and_dunnett(case, m, "treatment", "V01")
}
# Augmented RCBD (yieldtrial design augmented): Federer (lm, blocks fixed) and blocks random
if (want("augmented_4x5_30")) {
  d <- read("augmented_4x5_30.csv", FACTORS)
  fixed_case <- "augmented_4x5_30_fixed"
  a1 <- anova(lm1 <- lm(yield_kg_ha ~ block + treatment, data = d))
  a2 <- anova(lm(yield_kg_ha ~ treatment + block, data = d))
  for (term in c("block", "treatment", "Residuals")) {
    out(fixed_case, "residual", "anova_block_first", "", term, "", "df", a1[term, "Df"])
    out(fixed_case, "residual", "anova_block_first", "", term, "", "sum_sq", a1[term, "Sum Sq"])
    out(fixed_case, "residual", "anova_block_first", "", term, "", "F", a1[term, "F value"])
    out(fixed_case, "residual", "anova_block_first", "", term, "", "p", a1[term, "Pr(>F)"])
    out(fixed_case, "residual", "anova_treatment_first", "", term, "", "df", a2[term, "Df"])
    out(fixed_case, "residual", "anova_treatment_first", "", term, "", "sum_sq", a2[term, "Sum Sq"])
    out(fixed_case, "residual", "anova_treatment_first", "", term, "", "F", a2[term, "F value"])
    out(fixed_case, "residual", "anova_treatment_first", "", term, "", "p", a2[term, "Pr(>F)"])
  }
  emmeans_and_dunnett(fixed_case, lm1, "treatment", "CK1", lmer_df = "residual")
  random_case <- "augmented_4x5_30_random"
  m <- fit_lmer(random_case, yield_kg_ha ~ treatment + (1 | block), d)
  variance_components(random_case, m)
  anova_tables(random_case, m)
  emmeans_and_dunnett(random_case, m, "treatment", "CK1")
}
# RCBD, blocks random (yieldtrial design rcbd; --block-effects random), 2 plots missing
if (want("rcbd_random_missing2")) {
  case <- "rcbd_random_missing2"
  d <- read(paste0(case, ".csv"), FACTORS)
  m <- fit_lmer(case, yield_kg_ha ~ treatment + (1 | block), d)
  variance_components(case, m)
  anova_tables(case, m)
  emmeans_and_dunnett(case, m, "treatment", "T01")
}

res <- do.call(rbind, rows)
target <- if (length(only)) file.path(tempdir(), "reference_partial.csv") else file.path(here, "reference.csv")
write.csv(res, target, row.names = FALSE)
if (!length(only)) writeLines(capture.output(sessionInfo()), file.path(here, "sessioninfo.txt"))
cat(nrow(res), "rows written to", target, "\n")
