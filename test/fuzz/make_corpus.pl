#!/usr/bin/perl
# Writes the seed corpus of the fuzzing harnesses from the project's test data, into OUTDIR:
#   json/              every SQL string literal of the import tests that holds JSON text (whole
#                      documents and the fragments the tests assemble), and single conversations
#                      and a small page of the sample day (test/sample/make_export.pl);
#   service_level_in/  every service_level literal of the tests, "(offered=...)";
#   stitch_in/         every stitch literal of the tests, "vN tolerance=..." or compact "v2c:...";
#   service_level.txt, stitch.txt   the same literals one a line (seed_binary turns them into
#                      binary seeds for the receive harnesses);
#   json.dict          a libFuzzer dictionary: every member name of the sample day and a date.
# Usage: perl test/fuzz/make_corpus.pl OUTDIR   (run from anywhere; deterministic)
use strict;
use warnings;
use Digest::SHA qw(sha1_hex);
use File::Basename qw(dirname);
use File::Path qw(make_path);
use JSON::PP;

my $out = shift @ARGV or die "usage: $0 OUTDIR\n";
my $root = dirname(__FILE__) . '/../..';
my %count;

# Every string literal of an SQL file: '...' (with '' for a quote), E'...' (its common escapes),
# $$...$$, $tag$...$tag$; comments are skipped.
sub sql_literals {
    my ($text) = @_;
    my %escape = (n => "\n", r => "\r", t => "\t", '\\' => '\\', "'" => "'");
    my @found;
    while ($text =~ /--[^\n]*|\$(\w*)\$(.*?)\$\1\$|\b[Ee]'((?:[^'\\]|''|\\.)*)'|'((?:[^']|'')*)'/gs) {
        my $s = $2 // $3 // $4;
        next unless defined $s;
        if (defined $3 || defined $4) { $s =~ s/''/'/g; }
        if (defined $3) { $s =~ s/\\([nrt\\'])/$escape{$1}/g; }
        push @found, $s;
    }
    return @found;
}

sub slurp {
    my ($path) = @_;
    open my $fh, '<:raw', $path or die "$path: $!\n";
    local $/;
    return scalar <$fh>;
}

sub write_seed {
    my ($kind, $bytes) = @_;
    my $path = "$out/$kind/" . sha1_hex($bytes);
    return if -e $path;
    open my $fh, '>:raw', $path or die "$path: $!\n";
    print $fh $bytes;
    close $fh or die "$path: $!\n";
    $count{$kind}++;
}

make_path("$out/json", "$out/service_level_in", "$out/stitch_in");
my (%sl, %st);
for my $file (sort glob("$root/sql/*.sql $root/test/pgtap/*.sql")) {
    for my $lit (sql_literals(slurp($file))) {
        if ($lit =~ /^\(offered=/) { $sl{$lit} = 1; }
        elsif ($lit =~ /^\s*v\d+\s+tolerance=|^v2c:/) { $st{$lit} = 1; }
        elsif ($file =~ m{/(import_[^/]*)\.sql$} && $lit =~ /[{\[]/) { write_seed('json', $lit); }
    }
}
for my $lit (sort keys %sl) { write_seed('service_level_in', $lit); }
for my $lit (sort keys %st) { write_seed('stitch_in', $lit); }
for my $pair (['service_level.txt', \%sl], ['stitch.txt', \%st]) {
    open my $fh, '>:raw', "$out/$pair->[0]" or die "$out/$pair->[0]: $!\n";
    print $fh map { "$_\n" } grep { !/\n/ } sort keys %{$pair->[1]};
    close $fh or die "$!\n";
}

# The sample day: every 25th conversation alone, and a page of three.
my $export = `perl '$root/test/sample/make_export.pl'`;
die "make_export.pl failed\n" if $? != 0;
my $json = JSON::PP->new->canonical;
my $convs = $json->decode($export)->{conversations};
for (my $i = 0; $i < @$convs; $i += 25) {
    write_seed('json', $json->encode($convs->[$i]));
}
write_seed('json', $json->encode({conversations => [@$convs[0 .. 2]], totalHits => 3}));

# Dictionary: member names of the sample day, and one date.
my %keys;
my $walk;
$walk = sub {
    my ($v) = @_;
    if (ref $v eq 'HASH') { for (keys %$v) { $keys{$_} = 1; $walk->($v->{$_}); } }
    elsif (ref $v eq 'ARRAY') { $walk->($_) for @$v; }
};
$walk->($convs);
open my $dict, '>', "$out/json.dict" or die "$out/json.dict: $!\n";
print $dict map { qq("\\"$_\\":")."\n" } sort keys %keys;
print $dict qq("\\"2024-11-04T08:00:00.000Z\\"")."\n";
close $dict or die "$!\n";

printf "seeds: %s\n", join(', ', map { "$_ $count{$_}" } sort keys %count);
