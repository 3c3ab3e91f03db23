#!/usr/bin/perl
# Writes a realistic Genesys Cloud conversation details export (a details query response:
# {"conversations": [...], "totalHits": N}) for one business day in Europe/Paris, with calls cut
# apart by WebRTC softphone reconnects. Deterministic: same seed, same bytes, on any machine.
#
#   perl test/sample/make_export.pl [--seed N] [--day YYYY-MM-DD] [--calls-per-hour N] [--min-idle S] > export.json
#
# --min-idle: an agent's next call rings at least this many seconds (default 1, so 1-21 s: busy agents)
# after the previous wrap-up ended, well inside the 30 s gap tolerance: only the new-call rule (an
# alert after a wrap-up is the next call) keeps those calls apart.
# --truth: instead of the export, print SQL that fills temp tables truth_agent(agent, user_id,
# handled, handle_ms) and truth_queue(queue, queue_id, offered, answered, answered_in_20s, abandoned,
# short_abandoned, flow_outs): the figures of the uncut calls, known by construction (day totals).
# Day 08:00-18:00 local (the day must be in winter time, UTC+1: the default 2024-11-04 is a Monday).
# Three queues, nine agents; eight agents run the WebRTC softphone wrapper that puts a client id in
# the participant attribute X-Genesys-Client-Id, one agent (Ines) does not. About 15 % of answered
# calls lose the softphone once (a few twice): the rest of the call comes back 2-20 s later, or
# re-reports 1-2 s already covered, either as a new agent participant of the same conversation or as
# a new conversation (sometimes passing through the queue again for a second or two). Every piece
# carries the metrics Genesys emits per agent session, so the reported figures show the distortion.
use strict;
use warnings;
use Time::Local qw(timegm);

my %opt = (seed => 20241104, day => '2024-11-04', 'calls-per-hour' => 62, 'min-idle' => 1, truth => 0);
while (@ARGV) {
    my $k = shift @ARGV;
    $k =~ s/^--// or die "usage: $0 [--seed N] [--day YYYY-MM-DD] [--calls-per-hour N] [--min-idle S] [--truth]\n";
    exists $opt{$k} or die "unknown option --$k\n";
    $opt{$k} = $k eq 'truth' ? 1 : shift @ARGV;
}

# Park-Miller minimal standard generator: integer arithmetic, identical everywhere.
my $state = ($opt{seed} % 2147483646) + 1;
sub rnd { $state = ($state * 48271) % 2147483647; return $state / 2147483647; }
sub uniform { my ($a, $b) = @_; return $a + ($b - $a) * rnd(); }
sub expo { my ($mean) = @_; return -$mean * log(1 - rnd() * 0.999999); }
sub chance { return rnd() < $_[0]; }
sub uuid {
    my $h = '';
    $h .= sprintf('%04x', int(rnd() * 65536)) for 1 .. 8;
    return join('-', substr($h, 0, 8), substr($h, 8, 4), '4' . substr($h, 13, 3),
                substr($h, 16, 4), substr($h, 20, 12));
}

my ($y, $m, $d) = split /-/, $opt{day};
my $day0 = timegm(0, 0, 0, $d, $m - 1, $y) - 3600;    # local midnight, UTC+1
my (%truth_agent, %truth_queue);
sub ms { my ($t) = @_; return int($t * 1000 + 0.5); }
sub iso {
    my ($t) = @_;
    my $ms = ms($t);
    my @g = gmtime(int($ms / 1000));
    return sprintf('%04d-%02d-%02dT%02d:%02d:%02d.%03dZ', $g[5] + 1900, $g[4] + 1, $g[3], $g[2], $g[1], $g[0],
                   $ms % 1000);
}

my @queues = (
    { id => '5a1e5000-0000-4000-8000-000000000001', name => 'Sales', share => 0.45, talk => 260 },
    { id => '5a1e5000-0000-4000-8000-000000000002', name => 'Support', share => 0.40, talk => 330 },
    { id => '5a1e5000-0000-4000-8000-000000000003', name => 'Billing', share => 0.15, talk => 200 },
);
my @agents = map { { name => $_, id => uuid(), client => 'webrtc-' . lc($_) . '-' . substr(uuid(), 0, 8), free => 0 } }
    qw(Alice Bruno Chloe David Emma Farid Gaelle Hugo Ines);
$agents[8]{client} = undef;                  # Ines: no softphone wrapper, no client id
# Who works which queue.
my %skills = (0 => [0, 1, 2, 3, 4], 1 => [3, 4, 5, 6, 7, 8], 2 => [0, 6, 8]);

# Arrivals: Poisson, busier mid-morning and mid-afternoon.
my @calls;
for (my $t = $day0 + 8 * 3600; $t < $day0 + 18 * 3600;) {
    my $h = ($t - $day0) / 3600;
    my $rate = $opt{'calls-per-hour'} * (0.6 + 0.5 * exp(-(($h - 10.5)**2) / 2) + 0.4 * exp(-(($h - 14.5)**2) / 2));
    $t += expo(3600 / $rate);
    my $r = rnd();
    my $q = $r < $queues[0]{share} ? 0 : $r < $queues[0]{share} + $queues[1]{share} ? 1 : 2;
    push @calls, { arrive => $t, queue => $q } if $t < $day0 + 18 * 3600;
}

my @conversations;
my %metrics_of;    # session object -> metrics array
sub segment {
    my ($sess, $type, $s, $e, %x) = @_;
    push @{ $sess->{segments} }, { segmentStart => $s, segmentEnd => $e, segmentType => $type, %x };
}
sub metric { my ($sess, $name, $value, $t) = @_; push @{ $sess->{metrics} }, [$name, int($value + 0.5), $t]; }
sub new_conversation {
    my ($start) = @_;
    my $c = { id => uuid(), start => $start, participants => [] };
    push @conversations, $c;
    return $c;
}
sub participant {
    my ($c, $purpose, %x) = @_;
    my $p = { participantId => uuid(), purpose => $purpose, sessions => [], %x };
    push @{ $c->{participants} }, $p;
    return $p;
}
sub session {
    my ($p, %x) = @_;
    my $s = { sessionId => uuid(), segments => [], metrics => [], %x };
    push @{ $p->{sessions} }, $s;
    return $s;
}
sub agent_participant {
    my ($c, $a) = @_;
    return participant($c, 'agent', participantName => $a->{name}, userId => $a->{id},
                       $a->{client} ? (attributes => { 'X-Genesys-Client-Id' => $a->{client} }) : ());
}

# One agent session covering [from, to) of the call's agent timeline (pieces of talk/hold/wrap-up).
sub agent_piece {
    my ($c, $a, $q, $pieces, $first, $answered_value) = @_;
    my $p = agent_participant($c, $a);
    my $s = session($p, mediaType => 'voice', direction => 'inbound');
    my ($talk, $held, $acw, $end) = (0, 0, 0, 0);
    for my $pc (@$pieces) {
        my ($type, $from, $to, $last) = @$pc;
        segment($s, $type, $from, $to, queueId => $q->{id},
                ($type eq 'wrapup' ? (wrapUpCode => 'c0de' . substr($q->{name}, 0, 1)) : ()),
                ($last ? (disconnectType => $last) : ()));
        if ($type eq 'alert') { metric($s, 'tAlert', ($to - $from) * 1000, $to); }
        if ($type eq 'interact') {
            metric($s, 'tAnswered', $answered_value, $from) if $first && !$talk;
            metric($s, 'tTalk', ($to - $from) * 1000, $to);
            $talk += $to - $from;
        }
        if ($type eq 'hold') { metric($s, 'tHeld', ($to - $from) * 1000, $to); $held += $to - $from; }
        if ($type eq 'wrapup') { metric($s, 'tAcw', ($to - $from) * 1000, $to); $acw += $to - $from; }
        $end = $to;
    }
    if ($talk || $held || $acw) {
        metric($s, 'tTalkComplete', $talk * 1000, $end) if $talk;
        metric($s, 'tHeldComplete', $held * 1000, $end) if $held;
        metric($s, 'tHandle', ($talk + $held + $acw) * 1000, $end);
    }
    return $s;
}

for my $call (@calls) {
    my $q = $queues[$call->{queue}];
    my $t0 = $call->{arrive};
    my $c = new_conversation($t0);
    my $cust = participant($c, 'customer');
    my $cs = session($cust, mediaType => 'voice', direction => 'inbound', ani => sprintf('tel:+3361%07d', int(rnd() * 1e7)),
                     dnis => 'tel:+33180000000');
    my $acd = participant($c, 'acd', participantName => $q->{name});
    my $as = session($acd, mediaType => 'voice', direction => 'inbound');
    metric($as, 'nOffered', 1, $t0);

    # Routing: the skilled agent free first; the caller's patience decides abandons.
    my ($agent) = sort { $a->{free} <=> $b->{free} || $a->{name} cmp $b->{name} } map { $agents[$_] } @{ $skills{$call->{queue}} };
    my $route = ($agent->{free} > $t0 ? $agent->{free} : $t0) + uniform(1, 4);
    my $patience = chance(0.35) ? uniform(2, 12) : expo(150);
    my $flow_out_at = $t0 + 180;
    if ($t0 + $patience < $route && $t0 + $patience < $flow_out_at) {
        my $e = $t0 + $patience;
        segment($as, 'interact', $t0, $e, queueId => $q->{id}, disconnectType => 'peer');
        metric($as, 'tAcd', $patience * 1000, $e);
        metric($as, 'tAbandon', $patience * 1000, $e);
        $truth_queue{$q->{name}}{offered}++;
        $truth_queue{$q->{name}}{abandoned}++;
        $truth_queue{$q->{name}}{short_abandoned}++ if ms($e) - ms($t0) < 10000;
        segment($cs, 'interact', $t0, $e, disconnectType => 'peer');
        $c->{end} = $e;
        next;
    }
    if ($flow_out_at < $route) {
        segment($as, 'interact', $t0, $flow_out_at, queueId => $q->{id}, disconnectType => 'transfer');
        metric($as, 'tAcd', 180000, $flow_out_at);
        metric($as, 'tFlowOut', 180000, $flow_out_at);
        $truth_queue{$q->{name}}{offered}++;
        $truth_queue{$q->{name}}{flow_outs}++;
        segment($cs, 'interact', $t0, $flow_out_at + 30, disconnectType => 'peer');
        $c->{end} = $flow_out_at + 30;
        next;
    }
    # Sometimes the first agent lets it ring (RONA) and the next one answers.
    if (chance(0.03)) {
        my $ring_end = $route + 12;
        my $rp = agent_participant($c, $agent);
        my $rs = session($rp, mediaType => 'voice', direction => 'inbound');
        segment($rs, 'alert', $route, $ring_end, queueId => $q->{id}, disconnectType => 'noAnswerTransfer');
        metric($rs, 'tAlert', 12000, $ring_end);
        metric($rs, 'tNotResponding', 12000, $ring_end);
        $agent->{free} = $ring_end + 60;    # not responding: out of the way for a minute
        ($agent) = sort { $a->{free} <=> $b->{free} || $a->{name} cmp $b->{name} } map { $agents[$_] } @{ $skills{$call->{queue}} };
        $route = ($agent->{free} > $ring_end ? $agent->{free} : $ring_end) + uniform(1, 3);
    }
    my $answer = $route + uniform(2, 7);
    segment($as, 'interact', $t0, $route, queueId => $q->{id}, disconnectType => 'transfer');
    metric($as, 'tAcd', ($route - $t0) * 1000, $route);

    # The uncut agent timeline: alert, talk (with an optional hold in the middle), wrap-up.
    my $talk = 30 + expo($q->{talk} - 30);
    my @tl = (['alert', $route, $answer]);
    if (chance(0.3)) {
        my $h = uniform(15, 90);
        my $t1 = $answer + $talk * uniform(0.3, 0.7);
        push @tl, ['interact', $answer, $t1], ['hold', $t1, $t1 + $h], ['interact', $t1 + $h, $answer + $talk + $h];
        $talk += $h;
    } else {
        push @tl, ['interact', $answer, $answer + $talk];
    }
    my $talk_end = $answer + $talk;
    push @tl, ['wrapup', $talk_end, $talk_end + uniform(15, 75)];
    my $end = $tl[-1][2];
    segment($cs, 'interact', $t0, $talk_end, disconnectType => 'peer');

    # Cuts (WebRTC reconnects) inside talk time, only for softphone agents... and Ines's own
    # reconnects, which stay within one conversation.
    my @cuts;
    if (chance(0.15) && $talk > 60) {
        push @cuts, $answer + $talk * uniform(0.15, 0.45);
        push @cuts, $answer + $talk * uniform(0.6, 0.85) if chance(0.2);
    }
    my @pieces = ([]);
    my @shift = (0);    # dead air (or re-report, negative) before each piece
    for my $seg (@tl) {
        my ($type, $s, $e) = @$seg;
        for my $cut (@cuts) {
            next unless $s + 3 < $cut && $cut < $e - 25 && $type eq 'interact';
            push @{ $pieces[-1] }, [$type, $s, $cut, 'error'];
            push @pieces, [];
            push @shift, chance(0.15) ? -uniform(1, 2) : uniform(2, 20);
            $s = $cut;
        }
        push @{ $pieces[-1] }, [$type, $s, $e];
    }
    # Each later piece starts after its dead air (the call goes on meanwhile: the customer's clock).
    for my $i (1 .. $#pieces) {
        # dead air eats the start of the next piece (or, negative, the piece re-reports a second or two)
        $pieces[$i][0][1] += $shift[$i];
        $pieces[$i][0][1] = $pieces[$i][0][2] - 1 if $pieces[$i][0][1] >= $pieces[$i][0][2];
    }
    $pieces[-1][-1][3] = undef;
    $pieces[-1][-2][3] = 'client' if @{ $pieces[-1] } > 1 && $pieces[-1][-2][0] eq 'interact';

    my $conv = $c;
    for my $i (0 .. $#pieces) {
        if ($i > 0) {
            my $new_conversation = $agent->{client} && chance(0.5);
            if ($new_conversation) {
                my $rs = $pieces[$i][0][1];
                $conv = new_conversation($rs - 1);
                my $p2 = participant($conv, 'customer');
                my $s2 = session($p2, mediaType => 'voice', direction => 'inbound', ani => $cs->{ani}, dnis => $cs->{dnis});
                segment($s2, 'interact', $rs - 1, $talk_end, disconnectType => 'peer');
                if (chance(0.5)) {
                    my $a2 = participant($conv, 'acd', participantName => $q->{name});
                    my $s3 = session($a2, mediaType => 'voice', direction => 'inbound');
                    segment($s3, 'interact', $rs - 1, $rs, queueId => $q->{id}, disconnectType => 'transfer');
                    metric($s3, 'nOffered', 1, $rs - 1);
                    metric($s3, 'tAcd', 1000, $rs);
                }
                $conv->{end} = $end;
                $conv->{start} = $rs - 1;
            }
        }
        my $dead = $i > 0 ? abs($shift[$i]) * 1000 : ($answer - $t0) * 1000;
        agent_piece($conv, $agent, $q, $pieces[$i], 1, $dead);
    }
    $c->{end} = $end if !$c->{end} || $c->{end} < $end;
    $agent->{free} = $end + $opt{'min-idle'} + uniform(0, 20);

    # Truth of the uncut call: one handled call; talk = union of the pieces' interact time (dead air
    # lost, re-reported seconds once), hold and wrap-up as they were; one offered and answered call.
    my @talk;
    my $other = 0;
    for my $pc (map { @$_ } @pieces) {
        my ($type, $from, $to) = @$pc;
        if ($type eq 'interact') { push @talk, [ms($from), ms($to)]; }
        elsif ($type ne 'alert') { $other += ms($to) - ms($from); }
    }
    my ($sum, $cur_s, $cur_e) = (0, undef, undef);
    for my $iv (sort { $a->[0] <=> $b->[0] } @talk) {
        if (defined $cur_e && $iv->[0] <= $cur_e) { $cur_e = $iv->[1] if $iv->[1] > $cur_e; next; }
        $sum += $cur_e - $cur_s if defined $cur_e;
        ($cur_s, $cur_e) = @$iv;
    }
    $sum += $cur_e - $cur_s if defined $cur_e;
    $truth_agent{$agent->{name}}{handled}++;
    $truth_agent{$agent->{name}}{handle_ms} += $sum + $other;
    $truth_queue{$q->{name}}{offered}++;
    $truth_queue{$q->{name}}{answered}++;
    $truth_queue{$q->{name}}{answered_in_20s}++ if ms($answer) - ms($t0) <= 20000;
}

if ($opt{truth}) {
    my %user = map { ($_->{name} => $_->{id}) } @agents;
    my %qid = map { ($_->{name} => $_->{id}) } @queues;
    print "CREATE TEMP TABLE truth_agent (agent text, user_id text, handled bigint, handle_ms bigint);\n";
    printf "INSERT INTO truth_agent VALUES ('%s', '%s', %d, %d);\n", $_, $user{$_}, $truth_agent{$_}{handled} // 0,
        $truth_agent{$_}{handle_ms} // 0 for sort keys %truth_agent;
    print "CREATE TEMP TABLE truth_queue (queue text, queue_id text, offered bigint, answered bigint,"
        . " answered_in_20s bigint, abandoned bigint, short_abandoned bigint, flow_outs bigint);\n";
    for my $n (sort keys %truth_queue) {
        printf "INSERT INTO truth_queue VALUES ('%s', '%s', %d, %d, %d, %d, %d, %d);\n", $n, $qid{$n},
            map { $truth_queue{$n}{$_} // 0 } qw(offered answered answered_in_20s abandoned short_abandoned flow_outs);
    }
    exit 0;
}

# Output: conversations in start order, keys in a fixed order.
sub js { my ($v) = @_; $v =~ s/(["\\])/\\$1/g; return "\"$v\""; }
sub obj {
    my (@kv) = @_;
    my @out;
    while (@kv) { my ($k, $v) = splice(@kv, 0, 2); push @out, js($k) . ':' . $v if defined $v; }
    return '{' . join(',', @out) . '}';
}
my @out;
for my $c (sort { $a->{start} <=> $b->{start} || $a->{id} cmp $b->{id} } @conversations) {
    my $cend = $c->{start};
    for my $p (@{ $c->{participants} }) { for my $s (@{ $p->{sessions} }) { for my $g (@{ $s->{segments} }) {
        $cend = $g->{segmentEnd} if $g->{segmentEnd} > $cend; } } }
    my @parts;
    for my $p (@{ $c->{participants} }) {
        my @sess;
        for my $s (@{ $p->{sessions} }) {
            my @segs = map {
                my $g = $_;
                obj(segmentStart => js(iso($g->{segmentStart})), segmentEnd => js(iso($g->{segmentEnd})),
                    segmentType => js($g->{segmentType}),
                    queueId => (defined $g->{queueId} ? js($g->{queueId}) : undef),
                    disconnectType => (defined $g->{disconnectType} ? js($g->{disconnectType}) : undef),
                    wrapUpCode => (defined $g->{wrapUpCode} ? js($g->{wrapUpCode}) : undef))
            } sort { $a->{segmentStart} <=> $b->{segmentStart} } @{ $s->{segments} };
            my @mets = map { obj(name => js($_->[0]), value => $_->[1], emitDate => js(iso($_->[2]))) }
                sort { $a->[2] <=> $b->[2] || $a->[0] cmp $b->[0] } @{ $s->{metrics} };
            push @sess, obj(sessionId => js($s->{sessionId}), mediaType => js($s->{mediaType}),
                            direction => js($s->{direction}),
                            ani => (defined $s->{ani} ? js($s->{ani}) : undef),
                            dnis => (defined $s->{dnis} ? js($s->{dnis}) : undef),
                            segments => '[' . join(',', @segs) . ']',
                            metrics => (@mets ? '[' . join(',', @mets) . ']' : undef));
        }
        push @parts, obj(participantId => js($p->{participantId}),
                         participantName => (defined $p->{participantName} ? js($p->{participantName}) : undef),
                         purpose => js($p->{purpose}), userId => (defined $p->{userId} ? js($p->{userId}) : undef),
                         attributes => ($p->{attributes}
                                        ? obj(map { ($_ => js($p->{attributes}{$_})) } sort keys %{ $p->{attributes} })
                                        : undef),
                         sessions => '[' . join(',', @sess) . ']');
    }
    push @out, obj(conversationId => js($c->{id}), conversationStart => js(iso($c->{start})),
                   conversationEnd => js(iso($cend)), originatingDirection => js('inbound'),
                   divisionIds => '[' . js('00000000-0000-4000-8000-000000000001') . ']',
                   participants => '[' . join(",\n  ", @parts) . ']');
}
print "{\"conversations\":[\n", join(",\n", @out), "\n],\"totalHits\":", scalar(@out), "}\n";

# Agent and queue names for the demo's tables, as SQL, on request.
if ($ENV{GCSTITCH_SAMPLE_NAMES}) {
    open(my $fh, '>', $ENV{GCSTITCH_SAMPLE_NAMES}) or die "cannot write $ENV{GCSTITCH_SAMPLE_NAMES}: $!\n";
    print $fh "CREATE TABLE IF NOT EXISTS public.agent_name (user_id text PRIMARY KEY, name text);\n";
    print $fh "INSERT INTO public.agent_name VALUES ('$_->{id}', '$_->{name}') ON CONFLICT DO NOTHING;\n" for @agents;
    print $fh "INSERT INTO gcstitch.queue (queue_id, name) VALUES ('$_->{id}', '$_->{name}') ON CONFLICT DO NOTHING;\n"
        for @queues;
    close $fh;
}
