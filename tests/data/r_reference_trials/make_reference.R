# Independent reference values of tests/data/r_reference_trials (a differential pass of
# yieldtrial's mixed models, augmented designs and Dunnett against R):
# lme4 + lmerTest + pbkrtest + emmeans + mvtnorm.
#
# Written with: R 4.2.2, Debian bookworm packages lme4 1.1-31, lmerTest 3.1-3,
#   pbkrtest 0.5.2, emmeans 1.8.4-1, mvtnorm 1.1-3 (sessioninfo.txt).
# Rerun (from the repository root; about 10 minutes of CPU, most of it mvtnorm):
#   Rscript tests/data/r_reference_trials/make_reference.R [case ...]
# Reads manifest.tsv and the plot tables of this folder (make_trial_inputs.py) and writes
# reference.csv (long format of tests/data/r_reference_surface/reference.csv:
#   case, ddf, table, spec, term, by, stat, value; 17 significant digits) and sessioninfo.txt.
#
# Factor levels in sorted order (labels zero-padded); missing plots dropped before the fit.
# Sections ("table"):
#   fit      theta difference against a bobyqa refit; REMLcrit of both fits.
#   vc       VarCorr(m) variances (REML); "se": delta method on lmerTest's m@vcov_varpar.
#   anova    lmerTest anova(m, type = 3, ddf = "Satterthwaite" | "Kenward-Roger").
#   anova_block_first / anova_treatment_first   lm models (augmented, blocks fixed):
#            anova(lm(y ~ block + treatment)) and anova(lm(y ~ treatment + block)).
#   emmeans  summary(emmeans(m, ~ spec, lmer.df = ...)): emmean, SE, df (the control's
#            family and every other spec of manifest.tsv).
#   dunnett  contrast(emm, "trt.vs.ctrl", ref = control): adjust = "none" (estimate, SE,
#            df, t, raw p) and adjust = "mvt" (emmeans' own, randomized, df rounded to
#            floor(df + 0.25); set.seed(1)); p_hi: 1 - pmvt(-|t|, |t|, family correlation)
#            (GenzBretz abseps 2e-6, maxpts 2e7; families of more than 6: abseps 2e-5,
#            maxpts 2e6, only 3 rows (raw p nearest 0.002, 0.02, 0.2), Satterthwaite only),
#            at three integer df around the row's df and interpolated quadratically in
#            1 / df; p_hi_err = max GenzBretz error + |quadratic - linear|.  1 - P loses
#            its relative accuracy for p below about 1e-4 (two rows here fall below their
#            raw p): the tests check such rows against the Bonferroni bounds instead.
#   anova (lm, rows and columns fixed; ddf "residual")   drop1(lm, test = "F"): F, df, p.
# Second round (stop 39; manifest column "extras", multcomp 1.4-20 added):
#   tukey / tukey_cld   pairs(emm): adjust "none", "tukey" (studentized range at each
#            pair's df) and "mvt" (set.seed(1)); p_hi of the single-step family (1 - pmvt
#            on the pairs' correlation, as above; families of at most 15 pairs);
#            tukey_cld: for each pair, 1 when multcomp::cld(emm, alpha = 0.05, adjust =
#            "tukey" | "mvt") gives the two levels a common letter.
#   dunnett_greater   contrast(emm, "trt.vs.ctrl", ref, side = ">"): raw and mvt p;
#            p_hi = 1 - pmvt(-Inf, t) of the family (the one-sided single step).
#   best_check / sed   augmented: every entry minus the check with the highest LS-mean
#            (estimate, SE, df, t, raw p); sed: root mean of the pair variances
#            (vcov(emm)) of each kind: two checks, two entries in the same block, in
#            different blocks, an entry and a check.
# Fourth round (stop 41): factors "nitrogen" and "variety" (the published rice split plot);
#   R_REFERENCE_EXTRAS_ONLY=1 writes only the extras sections (tukey, greater, bestcheck) of
#   the cases named, for a case whose other sections were written before.
# The pass of stop 39 ran the script on every trial of make_trial_inputs.py --all DIR with
# R_REFERENCE_TRIALS_DIR=DIR (reads and writes there).
suppressPackageStartupMessages({
  library(lme4); library(lmerTest); library(pbkrtest); library(emmeans); library(mvtnorm)
  library(multcomp)
})
options(digits = 17, warn = 1)
args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(file_arg)) dirname(normalizePath(file_arg)) else "tests/data/r_reference_trials"
if (nchar(Sys.getenv("R_REFERENCE_TRIALS_DIR"))) here <- Sys.getenv("R_REFERENCE_TRIALS_DIR")
rows <- list()
all_rows <- list()
out <- function(case, ddf, table, spec, term, by, stat, value) {
  rows[[length(rows) + 1]] <<- data.frame(case = case, ddf = ddf, table = table, spec = spec,
    term = as.character(term), by = as.character(by), stat = stat,
    value = sprintf("%.17g", as.numeric(value)), stringsAsFactors = FALSE)
}
tight <- lmerControl(optimizer = "nloptwrap",
  optCtrl = list(xtol_abs = 1e-14, ftol_abs = 1e-15, xtol_rel = 1e-13, ftol_rel = 1e-15, maxeval = 100000),
  check.conv.singular = "ignore")
refit_bobyqa <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-12, maxfun = 100000),
  check.conv.singular = "ignore")
fit_lmer <- function(case, formula, data) {
  m <- lmerTest::lmer(formula, data = data, REML = TRUE, control = tight)
  m2 <- lme4::lmer(formula, data = data, REML = TRUE, control = refit_bobyqa)
  out(case, "", "fit", "", "theta", "", "max_abs_diff_bobyqa", max(abs(getME(m, "theta") - getME(m2, "theta"))))
  out(case, "", "fit", "", "REML", "", "reml_criterion", REMLcrit(m))
  out(case, "", "fit", "", "REML", "", "reml_criterion_bobyqa", REMLcrit(m2))
  m
}
variance_components <- function(case, m) {
  vc <- as.data.frame(VarCorr(m)); theta <- getME(m, "theta"); sigma <- sigma(m); K <- length(theta)
  J <- matrix(0, K + 1, K + 1)
  for (k in seq_len(K)) { J[k, k] <- 2 * theta[k] * sigma^2; J[k, K + 1] <- 2 * theta[k]^2 * sigma }
  J[K + 1, K + 1] <- 2 * sigma
  cov_var <- J %*% m@vcov_varpar %*% t(J)
  for (i in seq_len(nrow(vc))) {
    out(case, "", "vc", "", vc$grp[i], "", "variance", vc$vcov[i])
    out(case, "", "vc", "", vc$grp[i], "", "se", sqrt(cov_var[i, i]))
  }
}
anova_tables <- function(case, m) {
  for (ddf in c("Satterthwaite", "Kenward-Roger")) {
    a <- tryCatch(anova(m, type = 3, ddf = ddf), error = function(e) NULL)
    if (is.null(a)) next
    key <- tolower(ddf)
    for (term in rownames(a)) {
      out(case, key, "anova", "", term, "", "F", a[term, "F value"])
      out(case, key, "anova", "", term, "", "num_df", a[term, "NumDF"])
      out(case, key, "anova", "", term, "", "den_df", a[term, "DenDF"])
      out(case, key, "anova", "", term, "", "p", a[term, "Pr(>F)"])
    }
  }
}
SMALL <- 6
p_int <- function(t, df, corr) {
  k <- nrow(corr); set.seed(1)
  alg <- if (k <= SMALL) GenzBretz(maxpts = 2e7, abseps = 2e-6, releps = 0)
         else GenzBretz(maxpts = 2e6, abseps = 2e-5, releps = 0)
  p <- pmvt(lower = rep(-abs(t), k), upper = rep(abs(t), k), corr = corr, df = df, algorithm = alg)
  c(p = 1 - as.numeric(p), err = unname(attr(p, "error")))
}
p_high <- function(t, df, corr) {
  if (abs(df - round(df)) < 1e-9) { r <- p_int(t, round(df), corr); return(c(p = r[["p"]], err = r[["err"]])) }
  n <- floor(df) + 0:2; if (n[1] < 1) n <- n + 1
  ev <- sapply(n, function(d) p_int(t, d, corr)); x <- 1 / n; x0 <- 1 / df
  lagr <- sapply(1:3, function(i) prod((x0 - x[-i]) / (x[i] - x[-i])))
  quad <- sum(lagr * ev["p", ]); lin <- ev["p", 1] + (ev["p", 2] - ev["p", 1]) * (x0 - x[1]) / (x[2] - x[1])
  c(p = unname(quad), err = unname(max(ev["err", ]) + abs(quad - lin)))
}
emm_dunnett <- function(case, m, spec, control, keys, dunnett = TRUE) {
  for (key in keys) {
    emm <- if (key == "residual") emmeans(m, as.formula(paste("~", spec)))
           else emmeans(m, as.formula(paste("~", spec)), lmer.df = key)
    s <- as.data.frame(summary(emm))
    lev <- strsplit(spec, "|", fixed = TRUE)[[1]]; fac <- trimws(lev[1])
    byf <- if (length(lev) > 1) trimws(lev[2]) else NULL
    for (i in seq_len(nrow(s))) {
      level <- if (grepl(":", fac)) paste(sapply(strsplit(fac, ":")[[1]], function(f) as.character(s[i, f])), collapse = ":")
               else as.character(s[i, fac])
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
    vc <- vcov(con); g <- seq_len(nrow(raw)); others <- levels(emm)[[fac]][-ref]
    corr <- cov2cor(vc)
    pick <- if (length(g) <= SMALL) g else if (key == "kenward-roger") integer(0) else {
      pr <- raw$p.value
      unique(c(which.min(abs(log(pr) - log(0.002))), which.min(abs(log(pr) - log(0.02))), which.min(abs(pr - 0.2))))
    }
    for (i in g) {
      hi <- if (i %in% pick && is.finite(raw$df[i])) p_high(raw$t.ratio[i], raw$df[i], corr) else c(p = NA, err = NA)
      label <- others[i]
      out(case, key, "dunnett", spec, label, "", "estimate", raw$estimate[i])
      out(case, key, "dunnett", spec, label, "", "SE", raw$SE[i])
      out(case, key, "dunnett", spec, label, "", "df", raw$df[i])
      out(case, key, "dunnett", spec, label, "", "t", raw$t.ratio[i])
      out(case, key, "dunnett", spec, label, "", "p_none", raw$p.value[i])
      out(case, key, "dunnett", spec, label, "", "p_mvt", adj$p.value[i])
      out(case, key, "dunnett", spec, label, "", "p_hi", hi[["p"]])
      out(case, key, "dunnett", spec, label, "", "p_hi_err", hi[["err"]])
    }
  }
}

tukey_section <- function(case, m, key, spec) {
  emm <- if (key == "residual") emmeans(m, as.formula(paste("~", spec))) else emmeans(m, as.formula(paste("~", spec)), lmer.df = key)
  raw <- as.data.frame(summary(pairs(emm), adjust = "none"))
  tk <- as.data.frame(summary(pairs(emm), adjust = "tukey"))
  set.seed(1); mv <- as.data.frame(summary(pairs(emm), adjust = "mvt"))
  con <- pairs(emm, adjust = "none"); corr <- cov2cor(vcov(con))
  small <- nrow(raw) <= 15
  for (i in seq_len(nrow(raw))) {
    label <- as.character(raw$contrast[i])
    hi <- if (small && is.finite(raw$df[i])) p_high(raw$t.ratio[i], raw$df[i], corr) else c(p = NA, err = NA)
    out(case, key, "tukey", spec, label, "", "estimate", raw$estimate[i])
    out(case, key, "tukey", spec, label, "", "SE", raw$SE[i])
    out(case, key, "tukey", spec, label, "", "df", raw$df[i])
    out(case, key, "tukey", spec, label, "", "t", raw$t.ratio[i])
    out(case, key, "tukey", spec, label, "", "p_none", raw$p.value[i])
    out(case, key, "tukey", spec, label, "", "p_tukey", tk$p.value[i])
    out(case, key, "tukey", spec, label, "", "p_mvt", mv$p.value[i])
    out(case, key, "tukey", spec, label, "", "p_hi", hi[["p"]])
    out(case, key, "tukey", spec, label, "", "p_hi_err", hi[["err"]])
  }
  for (adj in c("tukey", "mvt")) {
    set.seed(1)
    g <- as.data.frame(multcomp::cld(emm, alpha = 0.05, Letters = letters, adjust = adj))
    grp <- setNames(gsub(" ", "", g$.group), as.character(g[[spec]]))
    lev <- levels(emm)[[spec]]
    for (a in seq_along(lev)) for (b in seq_along(lev)) if (a < b) {
      same <- length(intersect(strsplit(grp[[lev[a]]], "")[[1]], strsplit(grp[[lev[b]]], "")[[1]])) > 0
      out(case, key, "tukey_cld", adj, paste(lev[a], "-", lev[b]), "", "same_group", as.numeric(same))
    }
  }
}
greater_section <- function(case, m, key, control, spec) {
  emm <- if (key == "residual") emmeans(m, as.formula(paste("~", spec))) else emmeans(m, as.formula(paste("~", spec)), lmer.df = key)
  ref <- which(levels(emm)[[spec]] == control)
  con <- contrast(emm, "trt.vs.ctrl", ref = ref, side = ">", adjust = "none")
  raw <- as.data.frame(summary(con))
  set.seed(1)
  mv <- as.data.frame(summary(contrast(emm, "trt.vs.ctrl", ref = ref, side = ">"), adjust = "mvt"))
  corr <- cov2cor(vcov(con)); k <- nrow(raw); others <- levels(emm)[[spec]][-ref]
  one <- function(t, df) {
    f <- function(d) { set.seed(1)
      p <- pmvt(lower = rep(-Inf, k), upper = rep(t, k), corr = corr, df = d,
                algorithm = GenzBretz(maxpts = 2e7, abseps = 2e-6, releps = 0))
      c(p = 1 - as.numeric(p), err = unname(attr(p, "error"))) }
    if (abs(df - round(df)) < 1e-9) return(f(round(df)))
    n <- floor(df) + 0:2; if (n[1] < 1) n <- n + 1
    ev <- sapply(n, f); x <- 1 / n; x0 <- 1 / df
    lagr <- sapply(1:3, function(i) prod((x0 - x[-i]) / (x[i] - x[-i])))
    quad <- sum(lagr * ev["p", ]); lin <- ev["p", 1] + (ev["p", 2] - ev["p", 1]) * (x0 - x[1]) / (x[2] - x[1])
    c(p = unname(quad), err = unname(max(ev["err", ]) + abs(quad - lin)))
  }
  for (i in seq_len(k)) {
    hi <- if (k <= 8) one(raw$t.ratio[i], raw$df[i]) else c(p = NA, err = NA)
    out(case, key, "dunnett_greater", spec, others[i], "", "t", raw$t.ratio[i])
    out(case, key, "dunnett_greater", spec, others[i], "", "df", raw$df[i])
    out(case, key, "dunnett_greater", spec, others[i], "", "p_none", raw$p.value[i])
    out(case, key, "dunnett_greater", spec, others[i], "", "p_mvt", mv$p.value[i])
    out(case, key, "dunnett_greater", spec, others[i], "", "p_hi", hi[["p"]])
    out(case, key, "dunnett_greater", spec, others[i], "", "p_hi_err", hi[["err"]])
  }
}
best_check_section <- function(case, m, key, d, spec = "treatment") {
  emm <- if (key == "residual") emmeans(m, as.formula(paste("~", spec))) else emmeans(m, as.formula(paste("~", spec)), lmer.df = key)
  s <- as.data.frame(summary(emm)); lev <- as.character(s$treatment)
  checks <- sort(unique(as.character(d$treatment[d$entry_type == "check"])))
  best <- checks[which.max(s$emmean[match(checks, lev)])]
  out(case, key, "best_check", "treatment", best, "", "best", 1)
  entries <- setdiff(lev, checks)
  w <- matrix(0, length(entries), length(lev), dimnames = list(entries, lev))
  for (e in entries) { w[e, e] <- 1; w[e, best] <- -1 }
  con <- as.data.frame(summary(contrast(emm, setNames(lapply(entries, function(e) w[e, ]), entries)), adjust = "none"))
  for (i in seq_len(nrow(con))) {
    e <- as.character(con$contrast[i])
    for (st in c("estimate", "SE", "df", "t.ratio", "p.value"))
      out(case, key, "best_check", "treatment", e, "", st, con[i, st])
  }
  V <- vcov(emm); blk <- setNames(as.character(d$block), as.character(d$treatment))
  kinds <- list(two_checks = c(), two_entries_same_block = c(), two_entries_different_blocks = c(), entry_vs_check = c())
  for (a in seq_along(lev)) for (b in seq_along(lev)) if (a < b) {
    v <- V[a, a] + V[b, b] - 2 * V[a, b]; ca <- lev[a] %in% checks; cb <- lev[b] %in% checks
    k <- if (ca && cb) "two_checks" else if (ca || cb) "entry_vs_check"
         else if (blk[[lev[a]]] == blk[[lev[b]]]) "two_entries_same_block" else "two_entries_different_blocks"
    kinds[[k]] <- c(kinds[[k]], v)
  }
  for (k in names(kinds)) out(case, key, "sed", "treatment", k, "", "sed", sqrt(mean(kinds[[k]])))
}
run_extras <- function(case, m, keys, extras, control, d, spec) {
  for (key in keys) {
    if ("tukey" %in% extras) tukey_section(case, m, key, spec)
    if ("greater" %in% extras) greater_section(case, m, key, control, spec)
    if ("bestcheck" %in% extras) best_check_section(case, m, key, d)
  }
}
FACTORS <- c("plot_id", "treatment", "block", "row", "column", "main", "sub", "h", "v", "incomplete_block", "entry_type",
  "nitrogen", "variety")
read <- function(name) {
  d <- read.csv(file.path(here, name), colClasses = "character")
  for (f in names(d)) if (!(f %in% FACTORS)) d[[f]] <- as.numeric(d[[f]])
  for (f in intersect(FACTORS, names(d))) d[[f]] <- factor(d[[f]], levels = sort(unique(d[[f]])))
  d
}
man <- read.delim(file.path(here, "manifest.tsv"), colClasses = "character")
only <- commandArgs(trailingOnly = TRUE)
for (i in seq_len(nrow(man))) {
  r <- man[i, ]; case <- r$case
  if (length(only) && !(case %in% only)) next
  rows <- list()
  t0 <- proc.time()[["elapsed"]]
  d <- read(r$file)
  d <- d[!is.na(d$yield_kg_ha), ]
  d <- droplevels(d)
  f <- as.formula(r$formula)
  specs <- if (nchar(r$specs)) strsplit(r$specs, ";")[[1]] else character(0)
  extras <- if (!is.null(r$extras) && !is.na(r$extras) && nchar(r$extras)) strsplit(r$extras, ";")[[1]] else character(0)
  if (r$kind == "lm" && grepl("row + column", r$formula, fixed = TRUE)) {
    m <- lm(f, data = d)
    a <- drop1(m, test = "F"); dfe <- df.residual(m)
    for (term in rownames(a)[-1]) {
      out(case, "residual", "anova", "", term, "", "F", a[term, "F value"])
      out(case, "residual", "anova", "", term, "", "num_df", a[term, "Df"])
      out(case, "residual", "anova", "", term, "", "den_df", dfe)
      out(case, "residual", "anova", "", term, "", "p", a[term, "Pr(>F)"])
    }
    emm_dunnett(case, m, r$spec, r$control, "residual")
    run_extras(case, m, "residual", extras, r$control, d, r$spec)
  } else if (r$kind == "lm") {
    m <- lm(f, data = d)
    a1 <- anova(m); a2 <- anova(lm(yield_kg_ha ~ treatment + block, data = d))
    for (term in rownames(a1)) for (st in c("Df", "Sum Sq", "F value", "Pr(>F)")) {
      out(case, "residual", "anova_block_first", "", term, "", st, a1[term, st])
      out(case, "residual", "anova_treatment_first", "", term, "", st, a2[term, st])
    }
    emm_dunnett(case, m, r$spec, r$control, "residual")
    run_extras(case, m, "residual", extras, r$control, d, r$spec)
  } else if (nchar(Sys.getenv("R_REFERENCE_EXTRAS_ONLY"))) {  # stop 41: the extras of a case done before
    m <- lmerTest::lmer(f, data = d, REML = TRUE, control = tight)
    run_extras(case, m, c("satterthwaite", "kenward-roger"), extras, r$control, d, r$spec)
  } else {
    m <- fit_lmer(case, f, d)
    variance_components(case, m)
    anova_tables(case, m)
    emm_dunnett(case, m, r$spec, r$control, c("satterthwaite", "kenward-roger"))
    for (sp in specs) {
      fac <- trimws(strsplit(sp, "|", fixed = TRUE)[[1]][1])
      ctl <- if (grepl(":", sp) || grepl("|", sp, fixed = TRUE)) "" else levels(d[[fac]])[1]
      emm_dunnett(case, m, sp, ctl, c("satterthwaite", "kenward-roger"),
                  dunnett = !(grepl(":", sp) || grepl("|", sp, fixed = TRUE)))
    }
    run_extras(case, m, c("satterthwaite", "kenward-roger"), extras, r$control, d, r$spec)
  }
  all_rows <- c(all_rows, rows)
  if (nchar(Sys.getenv("R_REFERENCE_OUT"))) {  # the pass: each case as soon as it is done
    each <- paste0(Sys.getenv("R_REFERENCE_OUT"), ".", case)
    write.csv(do.call(rbind, rows), each, row.names = FALSE)
  }
  cat(case, length(rows), "rows", round(proc.time()[["elapsed"]] - t0, 1), "s\n")
}
res <- do.call(rbind, all_rows)
target <- if (length(only)) file.path(tempdir(), "reference_partial.csv") else file.path(here, "reference.csv")
if (nchar(Sys.getenv("R_REFERENCE_OUT"))) target <- Sys.getenv("R_REFERENCE_OUT")
write.csv(res, target, row.names = FALSE)
if (!length(only)) writeLines(capture.output(sessionInfo()), file.path(here, "sessioninfo.txt"))
cat(nrow(res), "rows written to", target, "\n")
